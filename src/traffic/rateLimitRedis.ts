import Redis, { Cluster, type RedisOptions } from 'ioredis';
import type { JunctionConfig } from '../config';
import type { Logger } from '../observability';

const LOG_EVERY_MS = 10_000;
const QUIT_WAIT_MS = 500;

/** Reconnect for ever, as the store does: counters are shared again as soon as Redis is back. */
const backoff = (attempt: number): number => Math.min(attempt * 100, 2_000);

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
  const connection: RedisOptions = {
    commandTimeout: options.commandTimeoutMs,
    connectTimeout: options.connectTimeoutMs,
    maxRetriesPerRequest: options.maxRetriesPerRequest,
    enableOfflineQueue: false,
    retryStrategy: backoff,
    // How long close waits for a socket that never connected before destroying it (ioredis: 2 s, delaying exit).
    disconnectTimeout: QUIT_WAIT_MS,
  };
  let client: Redis | Cluster;
  if (options.cluster.length > 0) {
    // Nodes the cluster discovers are reached with redisOptions only: the seed URL's credentials and TLS go there.
    const seed = new URL(options.cluster[0] as string);
    client = new Cluster([...options.cluster], {
      enableOfflineQueue: false,
      clusterRetryStrategy: backoff,
      redisOptions: {
        ...connection,
        ...(seed.username ? { username: decodeURIComponent(seed.username) } : {}),
        ...(seed.password ? { password: decodeURIComponent(seed.password) } : {}),
        ...(seed.protocol === 'rediss:' ? { tls: {} } : {}),
      },
    });
  } else {
    client = new Redis(options.url ?? 'redis://127.0.0.1:6379', connection);
  }

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
