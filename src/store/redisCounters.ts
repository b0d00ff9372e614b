import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Logger } from '../observability';
import type { CounterOptions, Counters } from './counters';
import type { RedisClientSettings } from './redisClient';
import { RedisConnection } from './redisConnection';

const HEALTH_MESSAGES = {
  failing: 'rate limits: Redis is failing, counting per process',
  stillFailing: 'rate limits: Redis still unavailable, counting per process',
  recovered: 'rate limits: Redis answers again, counters are shared',
};

/**
 * Counters in Redis, shared by every replica, on their own connection (configured like the store's,
 * `store.redis`): a command slower than `commandTimeoutMs` fails, and with no offline queue a command fails at
 * once while disconnected.
 *
 * Each family has an insurance limiter (a RateLimiterMemory with the same limits): any Redis error
 * (disconnected, not ready yet, too slow) makes that request count in this process's memory instead of
 * failing it, rather than holding requests behind a reconnection. While Redis is away each replica therefore
 * allows the full limit on its own (N replicas: up to N× overall), and what was counted in memory is not
 * merged back when Redis returns: its counters simply resume.
 */
export class RedisCounters implements Counters {
  readonly kind = 'redis';
  private readonly connection: RedisConnection;

  constructor(settings: RedisClientSettings, private readonly keyPrefix: string, logger: Logger) {
    this.connection = new RedisConnection(settings, logger, HEALTH_MESSAGES);
  }

  family(options: CounterOptions): RateLimiterAbstract {
    const limits = { points: options.points, duration: options.durationSec, keyPrefix: this.keyPrefix + options.keyPrefix };
    return new RateLimiterRedis({ ...limits, storeClient: this.connection.client, rejectIfRedisNotReady: true, insuranceLimiter: new RateLimiterMemory(limits) });
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}
