// Cold planning, Junction only, each planner (`queryPlan.planner: apollo | rust`): in-process figures from
// planningWorker.ts children (build time, memory held, cold plans of the benchmark query and of distinct
// operations), then real gateways: time from spawn until /health answers 200, without and with a manifest
// of operations planned at start (`persistedQueries.prewarm`).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { childEnv, freePort, spawnNode, type ManagedChild } from './processes';
import { answersOf, compareAnswers, type AnswerCheck } from './planningAnswers';
import { planningManifest } from './planningOperations';
import type { PlannerSample } from './planningWorker';

const HOST = '127.0.0.1';
export const PLANNERS = ['apollo', 'rust'] as const;
export type PlannerName = (typeof PLANNERS)[number];

export interface StartupSample {
  /** Spawn until /health answered 200 (polled every 10 ms). */
  readonly readyMs: number;
  /** With the manifest: the gateway's own "operations planned ahead of traffic" figures. */
  readonly prewarmMs?: number;
  readonly planned?: number;
  readonly failed?: number;
}

export interface PlannerFigures {
  readonly planner: PlannerName;
  /** Median over the worker runs, field by field. */
  readonly inProcess: PlannerSample;
  readonly inProcessRuns: readonly PlannerSample[];
  readonly startup: readonly StartupSample[];
  readonly startupWithManifest: readonly StartupSample[];
}

export interface PlanningResult {
  readonly runs: number;
  readonly operations: number;
  readonly manifestOperations: number;
  readonly planners: readonly PlannerFigures[];
  /** Both planners' gateways answered every distinct operation: their bodies compared one by one. */
  readonly answers: AnswerCheck;
}

export interface PlanningOptions {
  readonly quick: boolean;
  readonly supergraphFile: string;
  readonly junctionCli: string;
  /** The bench's gateway.yaml (auth, no access log). */
  readonly baseConfig: string;
  readonly tempDir: string;
  readonly workerScript: string;
  readonly progress: (line: string) => void;
}

const OPERATIONS = 1_000;
const MANIFEST_OPERATIONS = 300;

export async function runPlanning(options: PlanningOptions): Promise<PlanningResult> {
  const runs = options.quick ? 1 : 3;
  const manifest = join(options.tempDir, 'planning-manifest.json');
  writeFileSync(manifest, planningManifest(MANIFEST_OPERATIONS));
  const figures: PlannerFigures[] = [];
  const answers: Record<string, readonly string[]> = {};
  for (const planner of PLANNERS) {
    options.progress(`planning: ${planner} planner in-process, ${runs} run(s) of ${OPERATIONS} distinct operations`);
    const samples: PlannerSample[] = [];
    for (let i = 0; i < runs; i++) samples.push(await workerSample(options, planner));
    const failing = samples.find((s) => s.failures > 0);
    if (failing) throw new Error(`planning: the ${planner} planner failed ${failing.failures} of ${OPERATIONS} operations; first: ${failing.firstFailure ?? ''}`);
    options.progress(`planning: ${planner} planner, startup without and with a ${MANIFEST_OPERATIONS}-operation manifest`);
    const startup: StartupSample[] = [];
    const startupWithManifest: StartupSample[] = [];
    for (let i = 0; i < runs; i++) {
      startup.push(await startOnce(options, planner, undefined));
      // The first prewarmed gateway also answers every distinct operation (subgraphs are up), for the comparison.
      const warmed = await startOnce(options, planner, manifest, i === 0 ? (url) => answersOf(url, OPERATIONS).then((a) => void (answers[planner] = a)) : undefined);
      if (warmed.planned !== MANIFEST_OPERATIONS || warmed.failed !== 0) {
        throw new Error(`planning: the ${planner} gateway prewarmed ${warmed.planned ?? '?'} of ${MANIFEST_OPERATIONS} operations (${warmed.failed ?? '?'} failed)`);
      }
      startupWithManifest.push(warmed);
    }
    figures.push({ planner, inProcess: medianSample(samples), inProcessRuns: samples, startup, startupWithManifest });
  }
  return { runs, operations: OPERATIONS, manifestOperations: MANIFEST_OPERATIONS, planners: figures, answers: compareAnswers(answers) };
}

/** One planningWorker child (node --expose-gc): its JSON line. */
async function workerSample(options: PlanningOptions, planner: PlannerName): Promise<PlannerSample> {
  const child = spawnNode(`planning worker (${planner})`, options.workerScript, [options.supergraphFile, planner, String(OPERATIONS)], childEnv({ NODE_ENV: 'production' }), ['--expose-gc']);
  let out = '';
  child.proc.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  await child.exited;
  const line = out.trim().split('\n').pop() ?? '';
  if (child.exitReason !== 'exited with code 0' || !line.startsWith('{')) throw new Error(child.describeFailure());
  return JSON.parse(line) as PlannerSample;
}

/** Starts a gateway with the planner (and the manifest), times it until /health is 200, and stops it. */
async function startOnce(options: PlanningOptions, planner: PlannerName, manifest: string | undefined, then?: (graphqlUrl: string) => Promise<void>): Promise<StartupSample> {
  const config = join(options.tempDir, `gateway.planning.${planner}${manifest ? '.manifest' : ''}.yaml`);
  const pq = manifest ? `persistedQueries:\n  prewarm: true\n  manifests:\n    - path: ${JSON.stringify(manifest)}\n` : '';
  writeFileSync(config, `${readFileSync(options.baseConfig, 'utf8')}queryPlan:\n  planner: ${planner}\n${pq}`);
  const port = await freePort(HOST);
  const started = performance.now();
  const child = spawnNode(`junction (${planner} planner${manifest ? ', manifest' : ''})`, options.junctionCli, ['serve', '--supergraph', options.supergraphFile, '--port', String(port), '--host', HOST, '--config', config], childEnv({ NODE_ENV: 'production', LOG_LEVEL: 'info' }));
  // The prewarm's own log line (pino JSON on stdout): how long planning the manifest took, and its outcome.
  let prewarm: { ms: number; planned: number; failed: number } | undefined;
  let pending = '';
  child.proc.stdout?.on('data', (chunk: Buffer) => {
    const lines = (pending + chunk.toString('utf8')).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.includes('operations planned ahead of traffic')) continue;
      const entry = JSON.parse(line) as { ms: number; planned: number; failed: unknown[] };
      prewarm = { ms: entry.ms, planned: entry.planned, failed: entry.failed.length };
    }
  });
  try {
    const readyMs = await untilHealthy(child, port, started);
    await then?.(`http://${HOST}:${port}/graphql`);
    if (!manifest) return { readyMs };
    return { readyMs, ...(prewarm ? { prewarmMs: prewarm.ms, planned: prewarm.planned, failed: prewarm.failed } : {}) };
  } finally {
    await child.stop();
  }
}

async function untilHealthy(child: ManagedChild, port: number, started: number): Promise<number> {
  const deadline = started + 120_000;
  for (;;) {
    if (!child.running) throw new Error(child.describeFailure());
    const ok = await fetch(`http://${HOST}:${port}/health`, { signal: AbortSignal.timeout(1_000) }).then((r) => r.status === 200, () => false);
    if (ok) return performance.now() - started;
    if (performance.now() > deadline) throw new Error(`${child.label} was not healthy within 120 s:\n${child.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
}

/** Field-by-field median of the worker samples (numbers only; the rest from the first). */
function medianSample(samples: readonly PlannerSample[]): PlannerSample {
  const first = samples[0] as PlannerSample;
  const entries = Object.entries(first).map(([key, value]) => [key, typeof value === 'number' ? median(samples.map((s) => (s as unknown as Record<string, number>)[key] as number)) : value]);
  return Object.fromEntries(entries) as PlannerSample;
}

export function formatPlanning(result: PlanningResult): string {
  const runs = result.runs > 1 ? `median of ${result.runs} runs` : '1 run';
  const inProcess = result.planners.map(({ planner, inProcess: s }) => [
    planner,
    s.buildMs.toFixed(1),
    // + 0 turns a rounded -0 into 0 (a delta near zero prints "0.0", not "-0.0").
    (Math.round(s.heldRssMiB * 10) / 10 + 0).toFixed(1),
    (Math.round(s.heldHeapMiB * 10) / 10 + 0).toFixed(1),
    s.coldBenchmarkMs.toFixed(1),
    s.warmBenchmarkMs.toFixed(2),
    String(s.benchmarkFetches),
    s.distinctTotalMs.toFixed(0),
    s.distinctP50Ms.toFixed(2),
    s.distinctP99Ms.toFixed(2),
    (s.distinctFetches / s.operations).toFixed(2),
  ]);
  const startup = result.planners.map(({ planner, startup: plain, startupWithManifest: warmed }) => [
    planner,
    median(plain.map((s) => s.readyMs)).toFixed(0),
    median(warmed.map((s) => s.readyMs)).toFixed(0),
    median(warmed.map((s) => s.prewarmMs ?? Number.NaN)).toFixed(0),
  ]);
  return [
    `planning: Junction only, each planner in-process in its own child process (node --expose-gc, ${runs}); ${result.operations} distinct operations`,
    table(['planner', 'build ms', 'held RSS MiB', 'held heap MiB', 'benchmark cold ms', 'warm ms', 'fetches', `${result.operations} ops ms`, 'p50 ms', 'p99 ms', 'fetches/op'], inProcess),
    '',
    `startup: spawn until /health answers 200 (${runs}), without and with a manifest of ${result.manifestOperations} operations prewarmed`,
    table(['planner', 'no manifest ms', `${result.manifestOperations} ops ms`, 'prewarm ms (log)'], startup),
    '',
    answerLine(result.answers),
  ].join('\n');
}

function answerLine(check: AnswerCheck): string {
  const errors = Object.entries(check.withErrors).map(([planner, n]) => `${planner} ${n}`).join(', ');
  const head = `answers to the ${check.operations} distinct operations, apollo vs rust planner: ${check.differences} differ (answers with errors: ${errors})`;
  const error = check.firstError ? [`  first answer with errors: ${check.firstError.operation}\n    ${check.firstError.answer}`] : [];
  return [head, ...error, ...check.examples.map((e) => `  ${e.operation}\n${e.difference.replace(/^/gm, '    ')}`)].join('\n');
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  const line = (row: readonly string[]): string => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
