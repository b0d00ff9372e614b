import { dirname, resolve } from 'node:path';
import { readFile } from 'node:fs/promises';
import { loadSources, parseSupergraphYaml, type SubgraphSource } from '../composition';
import type { JunctionConfig } from '../config';
import type { Logger } from '../observability';
import { FileRegistryStorage, RedisRegistryStorage, type RegistryStorage } from '../registry';

/** The registry's storage: registry.json in the data directory, or Redis (the store's connection settings). */
export function createRegistryStorage(config: Pick<JunctionConfig, 'registry' | 'store'>, logger: Logger): RegistryStorage {
  if (config.registry.backend === 'file') return new FileRegistryStorage(resolve(config.registry.dataDir));
  // ioredis (a few MiB resident) is loaded only when the registry lives in Redis. Registry commands wait for a
  // connection (offline queue on) but never for ever.
  const { createRedisClient } = require('../cache/redisClient') as typeof import('../cache/redisClient');
  const client = createRedisClient({ ...config.store.redis, commandTimeoutMs: 5_000, maxRetriesPerRequest: 2, offlineQueue: true });
  client.on('error', (err: Error) => logger.debug({ err: err.message }, 'registry: Redis connection problem'));
  return new RedisRegistryStorage(client, config.store.keyPrefix, config.registry.pollIntervalMs, logger);
}

/** The subgraphs a supergraph.yaml names (what seeds an empty registry). */
export async function seedSources(path: string, env: Readonly<Record<string, string | undefined>>): Promise<SubgraphSource[]> {
  const parsed = parseSupergraphYaml(await readFile(path, 'utf8'), path, env);
  if (!parsed.ok) throw new Error(`cannot seed the registry from ${path}:\n${parsed.problems.map((p) => `  - ${p}`).join('\n')}`);
  const loaded = await loadSources(parsed.value, dirname(resolve(path)));
  if (!loaded.ok) throw new Error(`cannot seed the registry from ${path}:\n${loaded.problems.map((p) => `  - ${p}`).join('\n')}`);
  return loaded.sources;
}
