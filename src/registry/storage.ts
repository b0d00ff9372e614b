import type { CompareAndSetStore, StoredDocument } from '../store';

/** One subgraph as published: routing URL, SDL, who and when. */
export interface SubgraphVersion {
  readonly name: string;
  readonly url: string;
  readonly sdl: string;
  readonly publishedBy: string;
  readonly publishedAt: string;
}

/** One supergraph version: the whole subgraph set it was composed from, and why it was made. */
export interface SupergraphVersion {
  readonly version: number;
  /** sha256 of the supergraph SDL (the id /health reports). */
  readonly supergraph: string;
  readonly supergraphSdl: string;
  readonly createdAt: string;
  readonly action: 'seed' | 'publish' | 'delete' | 'rollback';
  readonly subgraph?: string;
  readonly rolledBackTo?: number;
  readonly by: string;
  readonly subgraphs: readonly SubgraphVersion[];
}

/** The registry as stored: every write bumps `revision` (compare-and-set between replicas). */
export interface RegistryDocument {
  readonly revision: number;
  /** The active version's number (0: none yet). */
  readonly current: number;
  /** Oldest first, at most `historyLimit`. */
  readonly versions: readonly SupergraphVersion[];
}

const EMPTY_REGISTRY: RegistryDocument = Object.freeze({ revision: 0, current: 0, versions: [] });

/**
 * Where the registry lives (the store's compare-and-set document `registry`: registry.json in the data
 * directory, or Redis). Reads and writes may throw (the storage is unavailable): a registry operation then
 * fails with REGISTRY_UNAVAILABLE; it is never silently lost, unlike a cache entry.
 */
export type RegistryStorage = CompareAndSetStore<RegistryDocument>;

/** How the registry document is stored: empty until seeded, JSON checked for its shape when read. */
export const REGISTRY_DOCUMENT: StoredDocument<RegistryDocument> = { empty: EMPTY_REGISTRY, parse: parseDocument };

function parseDocument(text: string, where: string): RegistryDocument {
  const value = JSON.parse(text) as RegistryDocument;
  if (typeof value !== 'object' || value === null || typeof value.revision !== 'number' || !Array.isArray(value.versions)) {
    throw new Error(`the registry in ${where} is not a registry document`);
  }
  return value;
}
