import { dirname, resolve } from 'node:path';
import { readFile } from 'node:fs/promises';
import { loadSources, parseSupergraphYaml, type SubgraphSource } from '../composition';
import type { JunctionConfig } from '../config';
import type { Logger } from '../observability';
import { REGISTRY_DOCUMENT, type RegistryStorage } from '../registry';
import { createCompareAndSet } from '../store';

/** The registry's storage: registry.json in the data directory, or Redis (the store's connection settings). */
export function createRegistryStorage(config: Pick<JunctionConfig, 'registry' | 'store'>, logger: Logger): RegistryStorage {
  return createCompareAndSet('registry', REGISTRY_DOCUMENT, config.registry, config.store, logger);
}

/** The subgraphs a supergraph.yaml names (what seeds an empty registry). */
export async function seedSources(path: string, env: Readonly<Record<string, string | undefined>>): Promise<SubgraphSource[]> {
  const parsed = parseSupergraphYaml(await readFile(path, 'utf8'), path, env);
  if (!parsed.ok) throw new Error(`cannot seed the registry from ${path}:\n${parsed.problems.map((p) => `  - ${p}`).join('\n')}`);
  const loaded = await loadSources(parsed.value, dirname(resolve(path)));
  if (!loaded.ok) throw new Error(`cannot seed the registry from ${path}:\n${loaded.problems.map((p) => `  - ${p}`).join('\n')}`);
  return loaded.sources;
}
