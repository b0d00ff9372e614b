// Where Junction keeps what it stores, in this process or in Redis (one connection factory, redisClient.ts):
// key/value entries (APQ, caches), counters (rate limits), compare-and-set documents (registry), and the bounded
// in-process LRU map. The Redis backends are loaded by the factories only when configured (tests import them by path).
export type { Store } from './store';
export { MemoryStore, type MemoryStoreOptions } from './memoryStore';
export type { RedisStoreOptions } from './redisStore';
export { createStore } from './createStore';
export type { CounterOptions, Counters } from './counters';
export { createCounters } from './createCounters';
export type { CompareAndSetStore, Revisioned, StoredDocument } from './compareAndSet';
export { createCompareAndSet, type CompareAndSetSettings } from './createCompareAndSet';
export type { RedisClientSettings } from './redisClient';
export { LruMap } from './lruMap';
