import { Cluster } from 'ioredis';
import type Redis from 'ioredis';
import { createRedisClient } from '../cache/redisClient';
import type { JunctionConfig } from '../config';
import type { Logger } from '../observability';

const LOG_EVERY_MS = 10_000;
const QUIT_WAIT_MS = 500;


export interface RateLimitRedis {
  readonly client: Redis | Cluster;
  close(): Promise<void>;
}

/**
 * The rate limiter's own connection, configured like the store's (`store.redis`): a command slower than
 * `commandTimeoutMs` fails, and with no offline queue a command fails at once while disconnected, so the
 * limiter switches to per-process counting instead of holding requests behind a reconnection.
 */
export function connectRateLimitRedis(options: JunctionConfig['store']['redis'], logger: Logger): RateLimitRedis {
  const client = createRedisClient(options);

  // Connection errors arrive as events (unheard, ioredis prints each one): the first is logged, then one a period.
  let failing = false;
  let lastWarnAt = 0;
  let closed = false;
  const failed = (err: Error): void => {
    if (closed) return;
    const now = Date.now();
    if (failing && now - lastWarnAt < LOG_EVERY_MS) return;
    logger.warn({ err: err.message }, failing ? 'rate limits: Redis still unavailable, counting per process' : 'rate limits: Redis is failing, counting per process');
    failing = true;
    lastWarnAt = now;
  };
  client.on('error', failed);
  if (client instanceof Cluster) client.on('node error', failed);
  client.on('ready', () => {
    if (failing) logger.info('rate limits: Redis answers again, counters are shared');
    failing = false;
  });

  return {
    client,
    async close() {
      if (closed) return;
      closed = true;
      let timer: NodeJS.Timeout | undefined;
      const givenUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, QUIT_WAIT_MS)));
      await Promise.race([client.quit().catch(() => undefined), givenUp]);
      clearTimeout(timer);
      if (client.status !== 'end') client.disconnect();
    },
  };
}
