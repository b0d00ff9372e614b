import { randomUUID } from 'node:crypto';
import type { CanaryDecision, CanaryRelease, EndedCanary, RegistryDocument, SupergraphVersion } from './storage';

/** Ended canary releases kept in the document (their decisions are the audit trail `canary status` shows). */
export const ENDED_CANARIES_KEPT = 10;

/** What a replica serves for a canary release: the candidate, to `percent` % of clients. */
export interface ActiveCanary {
  id: string;
  percent: number;
  stage: number;
  /** The candidate (its `version` is the number it takes when promoted). */
  version: SupergraphVersion;
  subgraph: string;
}

export function activeCanaryOf(document: RegistryDocument): ActiveCanary | undefined {
  const canary = document.canary;
  if (!canary) return undefined;
  return { id: canary.id, percent: percentOf(canary), stage: canary.stage, version: canary.candidate, subgraph: canary.subgraph };
}

export function percentOf(canary: CanaryRelease): number {
  return canary.stages[canary.stage] as number;
}

/**
 * The stages of a release starting at `percent`: that share, then each ramp share above it; promotion (100 %)
 * follows the last. `--canary 100` has no stage: it is a plain publish.
 */
export function stagesOf(percent: number, ramp: readonly number[]): number[] {
  return [percent, ...[...new Set(ramp)].filter((p) => p > percent && p < 100).sort((a, b) => a - b)];
}

export function withCanaryStarted(document: RegistryDocument, candidate: SupergraphVersion, stages: number[], by: string, subgraph: string, now: string): RegistryDocument {
  const canary: CanaryRelease = {
    id: randomUUID(),
    candidate,
    stable: document.current,
    stages,
    stage: 0,
    startedAt: now,
    stageStartedAt: now,
    by,
    subgraph,
    decisions: [{ at: now, action: 'start', percent: stages[0] as number, by, reason: `publish of ${subgraph} released to ${stages[0]} % of clients` }],
  };
  return { ...document, revision: document.revision + 1, canary };
}

/** The next stage: a larger share, judged again over a new window. */
export function withCanaryAdvanced(document: RegistryDocument, decision: Omit<CanaryDecision, 'action' | 'percent'>): RegistryDocument {
  const canary = document.canary as CanaryRelease;
  const stage = canary.stage + 1;
  const percent = canary.stages[stage] as number;
  return {
    ...document,
    revision: document.revision + 1,
    canary: { ...canary, stage, stageStartedAt: decision.at, decisions: [...canary.decisions, { ...decision, action: 'advance', percent }] },
  };
}

/** Promotion: the candidate becomes the current version, for every client. */
export function withCanaryPromoted(document: RegistryDocument, decision: Omit<CanaryDecision, 'action' | 'percent'>, historyLimit: number): RegistryDocument {
  const canary = document.canary as CanaryRelease;
  const number = (document.versions.at(-1)?.version ?? 0) + 1;
  const version: SupergraphVersion = { ...canary.candidate, version: number, createdAt: decision.at, canary: canary.id };
  const ended = endedOf(canary, 'promoted', { ...decision, action: 'promote', percent: 100 }, version);
  return {
    revision: document.revision + 1,
    current: number,
    versions: [...document.versions, version].slice(-historyLimit),
    canary: undefined,
    endedCanaries: [...(document.endedCanaries ?? []), ended].slice(-ENDED_CANARIES_KEPT),
  };
}

/** Rolled back by the judge or aborted by hand: every client is served the stable version again. */
export function withCanaryEnded(document: RegistryDocument, outcome: 'rolled_back' | 'aborted', decision: Omit<CanaryDecision, 'action' | 'percent'>): RegistryDocument {
  const canary = document.canary as CanaryRelease;
  const ended = endedOf(canary, outcome, { ...decision, action: outcome === 'aborted' ? 'abort' : 'rollback', percent: 0 }, canary.candidate);
  return { ...document, revision: document.revision + 1, canary: undefined, endedCanaries: [...(document.endedCanaries ?? []), ended].slice(-ENDED_CANARIES_KEPT) };
}

function endedOf(canary: CanaryRelease, outcome: EndedCanary['outcome'], decision: CanaryDecision, version: SupergraphVersion): EndedCanary {
  const { candidate: _candidate, ...rest } = canary;
  return { ...rest, decisions: [...canary.decisions, decision], outcome, endedAt: decision.at, version: version.version, supergraph: version.supergraph };
}
