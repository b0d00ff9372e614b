import { resolve } from 'node:path';
import type { JunctionConfig } from '../config';
import type { Logger } from '../observability';
import type { CompareAndSetStore, Revisioned, StoredDocument } from './compareAndSet';

/** Where one compare-and-set document lives: a file in `dataDir`, or Redis (the store's connection settings). */
export interface CompareAndSetSettings {
  backend: 'file' | 'redis';
  /** The file backend's directory (relative to the working directory). */
  dataDir: string;
  /** How often each Redis replica also polls the revision (pub/sub may miss a change while reconnecting). */
  pollIntervalMs: number;
}

/**
 * Redis commands of a compare-and-set store wait for a connection (offline queue on: a write is never dropped
 * as a cache write would be) but never for ever.
 */
const REDIS_COMMAND_TIMEOUT_MS = 5_000;
const REDIS_RETRIES_PER_REQUEST = 2;

/**
 * The document `name` (`<name>.json` in `dataDir`, or `{<store.keyPrefix><name>}:*` in Redis). The backends
 * (and ioredis, a few MiB resident) are loaded only when asked for.
 */
export function createCompareAndSet<T extends Revisioned>(
  name: string,
  document: StoredDocument<T>,
  settings: CompareAndSetSettings,
  store: JunctionConfig['store'],
  logger: Logger,
): CompareAndSetStore<T> {
  if (settings.backend === 'file') {
    const { FileCompareAndSet } = require('./fileCompareAndSet') as typeof import('./fileCompareAndSet');
    return new FileCompareAndSet(resolve(settings.dataDir), name, document);
  }
  const { createRedisClient } = require('./redisClient') as typeof import('./redisClient');
  const { RedisCompareAndSet } = require('./redisCompareAndSet') as typeof import('./redisCompareAndSet');
  const client = createRedisClient({ ...store.redis, commandTimeoutMs: REDIS_COMMAND_TIMEOUT_MS, maxRetriesPerRequest: REDIS_RETRIES_PER_REQUEST, offlineQueue: true });
  client.on('error', (err: Error) => logger.debug({ err: err.message }, `${name}: Redis connection problem`));
  return new RedisCompareAndSet(client, store.keyPrefix, name, document, settings.pollIntervalMs, logger);
}
