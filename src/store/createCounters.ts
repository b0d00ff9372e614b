import type { JunctionConfig } from '../config';
import type { Logger } from '../observability';
import type { Counters } from './counters';

/**
 * The configured backend (`store.backend`). rate-limiter-flexible, and ioredis with Redis, are loaded only
 * here, so a gateway without rate limits never loads them. `acrossWorkers`: this process is one of
 * `--workers N`, and in-memory counters are the supervisor's, shared by all workers.
 */
export function createCounters(config: JunctionConfig['store'], logger: Logger, acrossWorkers = false): Counters {
  if (config.backend === 'redis') {
    const { RedisCounters } = require('./redisCounters') as typeof import('./redisCounters');
    return new RedisCounters(config.redis, config.keyPrefix, logger);
  }
  if (acrossWorkers) {
    const { ClusterCounters } = require('./clusterCounters') as typeof import('./clusterCounters');
    return new ClusterCounters(config.keyPrefix);
  }
  const { MemoryCounters } = require('./memoryCounters') as typeof import('./memoryCounters');
  return new MemoryCounters(config.keyPrefix);
}
