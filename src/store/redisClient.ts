import Redis, { Cluster, type RedisOptions } from 'ioredis';

export interface RedisClientSettings {
  /** redis:// or rediss:// URL of a single Redis (ignored when `cluster` lists nodes). */
  url?: string | undefined;
  /** Redis Cluster seed node URLs. */
  cluster?: readonly string[] | undefined;
  commandTimeoutMs: number;
  connectTimeoutMs: number;
  maxRetriesPerRequest: number;
  /** Queue commands while disconnected (registry writes) instead of failing them at once (caches, counters). */
  offlineQueue?: boolean;
}

/** Reconnect for ever, with backoff: Junction heals by itself when Redis returns. */
const backoff = (attempt: number): number => Math.min(attempt * 100, 2_000);
/** How long closing waits for a socket that never connected (ioredis: 2 s, which delays exit). */
const DISCONNECT_WAIT_MS = 500;

/**
 * One ioredis client (or Cluster) as every Junction part that talks to Redis configures it: command timeout,
 * bounded retries, reconnection for ever. A Cluster reaches the nodes it discovers with `redisOptions` only,
 * so the seed URL's credentials and TLS are copied there (ioredis overrides the nodes' retryStrategy and
 * offline queue: the cluster-level ones rule).
 */
export function createRedisClient(settings: RedisClientSettings): Redis | Cluster {
  const offlineQueue = settings.offlineQueue ?? false;
  const connection: RedisOptions = {
    commandTimeout: settings.commandTimeoutMs,
    connectTimeout: settings.connectTimeoutMs,
    maxRetriesPerRequest: settings.maxRetriesPerRequest,
    enableOfflineQueue: offlineQueue,
    retryStrategy: backoff,
    disconnectTimeout: DISCONNECT_WAIT_MS,
  };
  const nodes = settings.cluster ?? [];
  if (nodes.length === 0) return new Redis(settings.url ?? 'redis://127.0.0.1:6379', connection);
  const seed = new URL(nodes[0] as string);
  return new Cluster([...nodes], {
    enableOfflineQueue: offlineQueue,
    clusterRetryStrategy: backoff,
    redisOptions: {
      ...connection,
      ...(seed.username ? { username: decodeURIComponent(seed.username) } : {}),
      ...(seed.password ? { password: decodeURIComponent(seed.password) } : {}),
      ...(seed.protocol === 'rediss:' ? { tls: {} } : {}),
    },
  });
}
