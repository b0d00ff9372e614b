import type { JunctionConfig } from '../config';
import type { Logger } from '../observability';
import { createCounters } from '../store';
import type { RateLimiter } from './rateLimiter';

/**
 * The configured rate limiter, or undefined when rate limiting is off or sets no limit. Counters live where
 * the store does (`createCounters`): in this process (memory; with `acrossWorkers`, in the `--workers`
 * supervisor, shared by all workers) or in Redis, shared by every replica. The library (and ioredis) is loaded
 * only when rate limiting is on.
 */
export function createRateLimiter(config: JunctionConfig['rateLimit'], store: JunctionConfig['store'], logger: Logger, acrossWorkers = false): RateLimiter | undefined {
  const limits = [config.perClient.requests, config.perClient.cost, config.global.requests, config.global.cost];
  if (!config.enabled) return undefined;
  if (limits.every((limit) => limit === 0)) {
    logger.warn('rateLimit.enabled is set but every limit is 0: nothing is rate limited');
    return undefined;
  }
  const { RateLimitBudgets } = require('./rateLimitBudgets') as typeof import('./rateLimitBudgets');
  return new RateLimitBudgets(config, createCounters(store, logger, acrossWorkers), logger);
}
