import { add, emptyFigures, errorRate, p95, type Figures, type StageFigures } from './figures';

/** When a canary is within bounds (`registry.canary`; defaults in the config schema and docs/canary.md). */
export interface Thresholds {
  windowMs: number;
  minRequests: number;
  maxErrorRateIncrease: number;
  maxLatencyRatio: number;
  latencyToleranceMs: number;
}

export interface SideSummary {
  requests: number;
  failed: number;
  errorRate: number;
  p95Ms: number;
}

/** The figures a decision was made on: operations both variants served, and their fetches from the changed subgraph. */
export interface Comparison {
  /** Operations both variants served in this stage. */
  operations: number;
  stable: SideSummary;
  canary: SideSummary;
  /** The fetches from the changed subgraph that those operations' requests made (`requests` counts fetches). */
  changedSubgraph: { stable: SideSummary; canary: SideSummary };
}

export type Decision = 'wait' | 'next' | 'rollback';

export interface Verdict {
  decision: Decision;
  reason: string;
  comparison: Comparison;
}

/**
 * Judges a stage. Only operations both variants served are compared (a client population's mix of operations
 * differs between shares; an operation only one side saw says nothing about the other). Rolled back as soon as
 * both sides have `minRequests` and the canary is worse beyond a threshold — on all those requests, on their
 * fetches from the changed subgraph, or on any one operation (each when both sides have `minRequests` of
 * them); moved on (`next`) once the stage has lasted `windowMs` within thresholds; otherwise it waits.
 */
export function judge(figures: StageFigures, thresholds: Thresholds, stageAgeMs: number): Verdict {
  const comparison = compare(figures);
  const { stable, canary, changedSubgraph } = comparison;
  const min = thresholds.minRequests;
  if (stable.requests < min || canary.requests < min) {
    return { decision: 'wait', reason: `waiting for ${min} requests per variant on operations both serve (stable ${stable.requests}, canary ${canary.requests})`, comparison };
  }
  const worse = worseBy(stable, canary, thresholds, 'operations both serve');
  if (worse) return { decision: 'rollback', reason: worse, comparison };
  if (changedSubgraph.stable.requests >= min && changedSubgraph.canary.requests >= min) {
    const worseChanged = worseBy(changedSubgraph.stable, changedSubgraph.canary, thresholds, 'fetches from the changed subgraph');
    if (worseChanged) return { decision: 'rollback', reason: worseChanged, comparison };
  }
  // One operation broken by the candidate is diluted in the whole when others dominate the traffic: each
  // operation both sides served `minRequests` times is judged on its own too.
  for (const [operation, served] of Object.entries(figures)) {
    if (served.stable.requests < min || served.canary.requests < min) continue;
    const worseOperation = worseBy(summary(served.stable), summary(served.canary), thresholds, `operation ${operationLabel(operation)}`);
    if (worseOperation) return { decision: 'rollback', reason: worseOperation, comparison };
  }
  if (stageAgeMs < thresholds.windowMs) {
    return { decision: 'wait', reason: `within thresholds; the stage has run ${Math.round(stageAgeMs / 1000)} s of ${Math.round(thresholds.windowMs / 1000)} s`, comparison };
  }
  return { decision: 'next', reason: `within thresholds over ${Math.round(stageAgeMs / 1000)} s`, comparison };
}

function worseBy(stable: SideSummary, canary: SideSummary, thresholds: Thresholds, what: string): string | undefined {
  const increase = canary.errorRate - stable.errorRate;
  if (increase > thresholds.maxErrorRateIncrease) {
    return `error rate on ${what}: canary ${percent(canary.errorRate)} vs stable ${percent(stable.errorRate)} (allowed: +${percent(thresholds.maxErrorRateIncrease)})`;
  }
  const allowed = Math.max(stable.p95Ms * thresholds.maxLatencyRatio, stable.p95Ms + thresholds.latencyToleranceMs);
  if (canary.p95Ms > allowed) {
    return `p95 latency on ${what}: canary ${canary.p95Ms.toFixed(1)} ms vs stable ${stable.p95Ms.toFixed(1)} ms (allowed: ${allowed.toFixed(1)} ms)`;
  }
  return undefined;
}

export function compare(figures: StageFigures): Comparison {
  const sides = { stable: emptyFigures(), canary: emptyFigures(), changedStable: emptyFigures(), changedCanary: emptyFigures() };
  let operations = 0;
  for (const operation of Object.values(figures)) {
    if (operation.stable.requests === 0 || operation.canary.requests === 0) continue;
    operations++;
    add(sides.stable, operation.stable);
    add(sides.canary, operation.canary);
    add(sides.changedStable, operation.changedStable);
    add(sides.changedCanary, operation.changedCanary);
  }
  return {
    operations,
    stable: summary(sides.stable),
    canary: summary(sides.canary),
    changedSubgraph: { stable: summary(sides.changedStable), canary: summary(sides.changedCanary) },
  };
}

function summary(figures: Figures): SideSummary {
  return { requests: figures.requests, failed: figures.failed, errorRate: errorRate(figures), p95Ms: Math.round(p95(figures) * 10) / 10 };
}

/** An operation's figures key (`<query hash>:<operation name>`) as people read it: the name, then the hash's start. */
function operationLabel(key: string): string {
  const colon = key.lastIndexOf(':');
  const hash = colon < 0 ? key : key.slice(0, colon);
  const name = colon < 0 ? '' : key.slice(colon + 1);
  return name ? `${name} (${hash.slice(0, 12)})` : hash.slice(0, 12);
}

function percent(rate: number): string {
  return `${(rate * 100).toFixed(2)} %`;
}
