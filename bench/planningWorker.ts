// One planner, in-process, in its own child (node --expose-gc, started by planning.ts): build time and the
// memory the built planner holds, then cold planning of the benchmark query and of distinct operations.
// Prints one JSON line (PlannerSample) on stdout.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { ROUTER_SUPPORTED_SUPERGRAPH_FEATURES, Supergraph } from '@apollo/federation-internals';
import { parse, validate, type DocumentNode } from 'graphql';
import { apiSchemaOf, plannerOf, type SupergraphState } from '../src/gateway';
import { BENCHMARK_QUERY } from './queries';
import { planningOperation } from './planningOperations';

type Planner = SupergraphState['planner'];
type OverrideRoll = Parameters<Planner['plan']>[2];

/** What one worker measured (planning.ts takes the median of several workers). */
export interface PlannerSample {
  /** Supergraph.build + API schema (shared by both planners; for scale). */
  readonly supergraphMs: number;
  readonly buildMs: number;
  /** Growth of RSS, V8 heap and external memory across building the planner, GC forced before and after. */
  readonly heldRssMiB: number;
  readonly heldHeapMiB: number;
  readonly heldExternalMiB: number;
  /** First plan of the benchmark query after the build; then the median of 20 more (the planner keeps no cache). */
  readonly coldBenchmarkMs: number;
  readonly warmBenchmarkMs: number;
  /** Subgraph requests in the benchmark query's plan (Fetch and BatchFetch nodes; one request each). */
  readonly benchmarkFetches: number;
  /** The same, summed over the distinct operations' plans. */
  readonly distinctFetches: number;
  readonly operations: number;
  readonly distinctTotalMs: number;
  readonly distinctP50Ms: number;
  readonly distinctP99Ms: number;
  readonly distinctMaxMs: number;
  readonly failures: number;
  readonly firstFailure?: string;
  /** Process RSS after the distinct operations (GC forced). */
  readonly rssAfterMiB: number;
}

// No progressive-override labels in the sample supergraph: the roll every request gets.
const NO_OVERRIDE: OverrideRoll = { conditions: undefined, key: '', active: new Set<string>(), percentage: 0 };
const MIB = 1024 * 1024;

function collect(): NodeJS.MemoryUsage {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('planningWorker needs node --expose-gc');
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage();
}

export function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

/** Fetch and BatchFetch nodes anywhere in a plan (each is one subgraph request per execution). */
function fetchesOf(node: unknown): number {
  if (!node || typeof node !== 'object') return 0;
  const kind = (node as { kind?: unknown }).kind;
  if (kind === 'Fetch' || kind === 'BatchFetch') return 1;
  return Object.values(node).reduce((sum: number, value) => sum + fetchesOf(value), 0);
}

function main(): void {
  const [supergraphFile, kind, count] = process.argv.slice(2);
  if (!supergraphFile || (kind !== 'apollo' && kind !== 'rust')) throw new Error('usage: planningWorker <supergraph file> apollo|rust <operations>');
  const sdl = readFileSync(supergraphFile, 'utf8');
  let started = performance.now();
  const supergraph = Supergraph.build(sdl, { validateSupergraph: true, supportedFeatures: ROUTER_SUPPORTED_SUPERGRAPH_FEATURES });
  const apiSchema = supergraph.apiSchema();
  const supergraphSchema = supergraph.schema.toGraphQLJSSchema();
  const supergraphMs = performance.now() - started;

  // Every document parsed and validated before the planner exists: planning alone is timed, as the gateway's
  // plan cache misses it (parse and validation happen before, either planner).
  const schema = apiSchemaOf(sdl);
  const prepare = (body: string): DocumentNode => {
    const document = parse(body);
    const errors = validate(schema, document);
    if (errors.length > 0) throw new Error(`invalid planning operation: ${errors[0]?.message ?? ''}\n${body}`);
    return document;
  };
  const benchmark = prepare(BENCHMARK_QUERY);
  const operations = Array.from({ length: Number(count ?? 1000) }, (_, i) => ({ ...planningOperation(i), document: undefined as DocumentNode | undefined }));
  for (const op of operations) op.document = prepare(op.body);

  const before = collect();
  started = performance.now();
  const planner: Planner = plannerOf(kind, sdl, supergraph, apiSchema, supergraphSchema);
  const buildMs = performance.now() - started;
  const after = collect();

  started = performance.now();
  const benchmarkPlan = planner.plan(benchmark, 'TestQuery', NO_OVERRIDE);
  const coldBenchmarkMs = performance.now() - started;

  const times: number[] = [];
  let failures = 0;
  let firstFailure: string | undefined;
  let distinctFetches = 0;
  const distinctStarted = performance.now();
  for (const op of operations) {
    const t = performance.now();
    try {
      const plan = planner.plan(op.document as DocumentNode, op.name, NO_OVERRIDE);
      times.push(performance.now() - t);
      distinctFetches += fetchesOf(plan.node);
      continue;
    } catch (err) {
      failures++;
      firstFailure ??= `${op.name}: ${err instanceof Error ? err.message : String(err)}`;
    }
    times.push(performance.now() - t);
  }
  const distinctTotalMs = performance.now() - distinctStarted;
  const warm = Array.from({ length: 20 }, () => {
    const t = performance.now();
    planner.plan(benchmark, 'TestQuery', NO_OVERRIDE);
    return performance.now() - t;
  }).sort((a, b) => a - b);
  const rssAfterMiB = collect().rss / MIB;
  times.sort((a, b) => a - b);
  const sample: PlannerSample = {
    supergraphMs,
    buildMs,
    heldRssMiB: (after.rss - before.rss) / MIB,
    heldHeapMiB: (after.heapUsed - before.heapUsed) / MIB,
    heldExternalMiB: (after.external - before.external) / MIB,
    coldBenchmarkMs,
    warmBenchmarkMs: quantile(warm, 0.5),
    benchmarkFetches: fetchesOf(benchmarkPlan.node),
    distinctFetches,
    operations: operations.length,
    distinctTotalMs,
    distinctP50Ms: quantile(times, 0.5),
    distinctP99Ms: quantile(times, 0.99),
    distinctMaxMs: times[times.length - 1] ?? Number.NaN,
    failures,
    ...(firstFailure === undefined ? {} : { firstFailure }),
    rssAfterMiB,
  };
  // Keeps the planner reachable until the last GC above, so its memory is still counted.
  if (planner.kind !== kind) throw new Error('planner kind changed');
  process.stdout.write(`${JSON.stringify(sample)}\n`);
}

if (require.main === module) main();
