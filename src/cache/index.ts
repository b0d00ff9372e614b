export { LruMap } from './lruMap';
export type { Store } from './store';
export { MemoryStore, type MemoryStoreOptions } from './memoryStore';
export { createStore } from './createStore';
export { Invalidations, cacheTag, canonicalJson, entityKeyHash, tagsOf, type InvalidationTarget } from './invalidation';
