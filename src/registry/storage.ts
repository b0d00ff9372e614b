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
  /** The canary release this version was promoted from. */
  readonly canary?: string;
  readonly rolledBackTo?: number;
  readonly by: string;
  readonly subgraphs: readonly SubgraphVersion[];
}

/** One step of a canary release, with who took it and why (the judge's figures when it was the judge). */
export interface CanaryDecision {
  readonly at: string;
  readonly action: 'start' | 'advance' | 'promote' | 'rollback' | 'abort';
  /** The canary's share after the step (0 once it ended without promotion, 100 once promoted). */
  readonly percent: number;
  /** `judge`, or who asked (admin token subject, --author). */
  readonly by: string;
  readonly reason: string;
  readonly figures?: unknown;
}

/**
 * A candidate supergraph served to a share of clients beside the current one, judged against it and then
 * promoted (it becomes the next version) or rolled back. Other registry changes wait until it ends.
 */
export interface CanaryRelease {
  /** A random id: salts the client assignment and names the release in logs, metrics and figures. */
  readonly id: string;
  /** The candidate; `version` is the number it takes when promoted. */
  readonly candidate: SupergraphVersion;
  /** The version it is judged against (the current one when it started). */
  readonly stable: number;
  /** The shares in percent, in order; the canary serves `stages[stage]` % of clients. */
  readonly stages: readonly number[];
  readonly stage: number;
  readonly startedAt: string;
  readonly stageStartedAt: string;
  readonly by: string;
  /** The subgraph whose publish the canary releases (its requests are judged on their own too). */
  readonly subgraph: string;
  readonly decisions: readonly CanaryDecision[];
}

/** A canary release that has ended. */
export interface EndedCanary extends Omit<CanaryRelease, 'candidate'> {
  readonly outcome: 'promoted' | 'rolled_back' | 'aborted';
  readonly endedAt: string;
  readonly version: number;
  readonly supergraph: string;
}

/** The registry as stored: every write bumps `revision` (compare-and-set between replicas). */
export interface RegistryDocument {
  readonly revision: number;
  /** The active version's number (0: none yet). */
  readonly current: number;
  /** Oldest first, at most `historyLimit`. */
  readonly versions: readonly SupergraphVersion[];
  /** The canary release under way, if any. */
  readonly canary?: CanaryRelease | undefined;
  /** Ended canary releases, most recent last (at most ENDED_CANARIES_KEPT). */
  readonly endedCanaries?: readonly EndedCanary[] | undefined;
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
