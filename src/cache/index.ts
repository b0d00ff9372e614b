export { LruMap } from './lruMap';
export type { Store } from './store';
export { MemoryStore, type MemoryStoreOptions } from './memoryStore';
export { RedisStore, type RedisStoreOptions } from './redisStore';
export { createStore } from './createStore';
