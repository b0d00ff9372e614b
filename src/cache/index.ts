export { Invalidations, cacheTag, canonicalJson, entityKeyId, tagsOf, type InvalidationTarget } from './invalidation';
export { parseCacheControl, UNCACHEABLE, type CacheHint } from './cacheHint';
export { EntityKeys, type KeyFields } from './entityKeys';
export { EntityCache, FetchEntries, type CachedPart, type EntityCacheConfig, type PartEntry } from './entityCache';
export { fetchTagsOf, fetchTypesOf, type FetchTags, type FetchTypes } from './fetchTypes';
export { entitiesInResult } from './resultEntities';
export { principalKey } from './principalKey';
export { responseCachePlugin, type CacheContext, type ResponseCacheGateway, type ResponseCacheOptions } from './responseCache';
export { withStoredAnswer, type StoredAnswer, type StoredAnswerSlot } from './storedAnswer';
