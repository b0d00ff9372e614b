import type { JunctionConfig } from '../config';
import type { Logger } from '../observability';
import type { Counters } from './counters';

/**
 * The configured backend (`store.backend`). rate-limiter-flexible, and ioredis with Redis, are loaded only
 * here, so a gateway without rate limits never loads them.
 */
export function createCounters(config: JunctionConfig['store'], logger: Logger): Counters {
  if (config.backend === 'redis') {
    const { RedisCounters } = require('./redisCounters') as typeof import('./redisCounters');
    return new RedisCounters(config.redis, config.keyPrefix, logger);
  }
  const { MemoryCounters } = require('./memoryCounters') as typeof import('./memoryCounters');
  return new MemoryCounters(config.keyPrefix);
}
