import type { JunctionConfig } from '../config';
import type { Logger } from '../observability';
import { MemoryStore } from './memoryStore';
import type { Store } from './store';

/**
 * The configured backend, with every key under `keyPrefix`. Never waits for (or fails on) Redis.
 * `./redisStore` (and ioredis with it, a few MiB resident) is loaded only when Redis is configured.
 */
export function createStore(config: JunctionConfig['store'], logger: Logger): Store {
  if (config.backend === 'redis') {
    const { RedisStore } = require('./redisStore') as typeof import('./redisStore');
    return new RedisStore({ ...config.redis, keyPrefix: config.keyPrefix }, logger);
  }
  return new MemoryStore({ maxBytes: config.memory.maxBytes, keyPrefix: config.keyPrefix });
}
