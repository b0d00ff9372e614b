/**
 * What a canary is judged on: per operation and variant, requests, failures and a latency histogram. Figures
 * are plain JSON (they are merged across replicas in the shared canary document) and only ever added up.
 */

/** Latency bucket upper bounds in milliseconds; one more bucket holds everything slower. */
export const LATENCY_BUCKETS_MS: readonly number[] = [2, 5, 10, 25, 50, 75, 100, 150, 250, 500, 1000, 2500, 5000, 10_000];

export interface Figures {
  requests: number;
  failed: number;
  /** Counts per LATENCY_BUCKETS_MS bucket (the last: slower than every bound). */
  latency: number[];
}

/** One operation's figures on each side: all its requests, and their fetches from the changed subgraph. */
export interface OperationFigures {
  stable: Figures;
  canary: Figures;
  changedStable: Figures;
  changedCanary: Figures;
}

/** A stage's figures: keyed by operation (the query's hash and operation name). */
export type StageFigures = Record<string, OperationFigures>;

export function emptyFigures(): Figures {
  return { requests: 0, failed: 0, latency: new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0) };
}

export function emptyOperation(): OperationFigures {
  return { stable: emptyFigures(), canary: emptyFigures(), changedStable: emptyFigures(), changedCanary: emptyFigures() };
}

export function record(figures: Figures, failed: boolean, ms: number): void {
  figures.requests++;
  if (failed) figures.failed++;
  let bucket = 0;
  while (bucket < LATENCY_BUCKETS_MS.length && ms > (LATENCY_BUCKETS_MS[bucket] as number)) bucket++;
  figures.latency[bucket] = (figures.latency[bucket] ?? 0) + 1;
}

export function add(into: Figures, from: Figures): void {
  into.requests += from.requests;
  into.failed += from.failed;
  for (let i = 0; i < into.latency.length; i++) into.latency[i] = (into.latency[i] ?? 0) + (from.latency[i] ?? 0);
}

export function addStage(into: StageFigures, from: StageFigures, maxOperations: number): void {
  for (const [operation, figures] of Object.entries(from)) {
    const key = into[operation] !== undefined || Object.keys(into).length < maxOperations ? operation : OTHER_OPERATIONS;
    const target = (into[key] ??= emptyOperation());
    add(target.stable, figures.stable);
    add(target.canary, figures.canary);
    add(target.changedStable, figures.changedStable);
    add(target.changedCanary, figures.changedCanary);
  }
}

/** Where operations beyond the bound are counted together (a flood of distinct operations stays bounded). */
export const OTHER_OPERATIONS = '(other operations)';

/** Failures per request (0 without requests). */
export function errorRate(figures: Figures): number {
  return figures.requests === 0 ? 0 : figures.failed / figures.requests;
}

/**
 * The 95th percentile latency in ms, interpolated linearly inside its bucket (the slowest bucket reports its
 * lower bound: a histogram cannot say more). 0 without requests.
 */
export function p95(figures: Figures): number {
  if (figures.requests === 0) return 0;
  const rank = figures.requests * 0.95;
  let seen = 0;
  for (let i = 0; i < figures.latency.length; i++) {
    const count = figures.latency[i] ?? 0;
    if (count > 0 && seen + count >= rank) {
      const lower = i === 0 ? 0 : (LATENCY_BUCKETS_MS[i - 1] as number);
      const upper = LATENCY_BUCKETS_MS[i];
      if (upper === undefined) return lower;
      return lower + ((upper - lower) * (rank - seen)) / count;
    }
    seen += count;
  }
  return LATENCY_BUCKETS_MS.at(-1) as number;
}
