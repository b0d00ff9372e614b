// Benchmark entry (`npm run bench` → node dist/bench/run.js): stock @apollo/gateway vs Junction on the
// same supergraph and queries. See `--help`. Everything it measures runs in child processes: the
// subgraphs in one, each gateway in its own (one at a time), so /proc numbers are the gateway's alone.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { composeSubgraphs, introspect } from '../src/composition';
import { postGraphQL, runLoad, type LoadResult } from './load';
import { assertProcAvailable, clockTicksPerSecond, readCpuTicks, readPeakRssBytes } from './procStats';
import {
  childEnv,
  freePort,
  killAllChildrenNow,
  spawnNode,
  startSubgraphsProcess,
  stopAllChildren,
  waitUntilReady,
  type ManagedChild,
} from './processes';
import { WORKLOADS, registrationBody, requestBody, type Workload } from './queries';
import { formatDistinct, runDistinct, type DistinctResult } from './distinct';
import { prepareBenchAuth } from './benchAuth';
import {
  computeRatios,
  formatHeader,
  formatWorkload,
  writeJsonReport,
  type BenchReport,
  type GatewayId,
  type GatewayMeasurement,
  type WorkloadResult,
} from './report';

/** dist/bench when compiled; the repo root is two levels up. */
const DIST_BENCH = __dirname;
const ROOT = resolve(DIST_BENCH, '..', '..');
const HOST = '127.0.0.1';

const USAGE = `Usage: node dist/bench/run.js [options]

Benchmarks stock @apollo/gateway + @apollo/server against Junction on the sample subgraphs.

Options:
  --duration <s>        measured seconds per gateway and workload (default 10)
  --warmup <s>          unmeasured load before the measured window, same run (default 3)
  --connections <n>     concurrent connections, closed loop (default 32)
  --quick               smoke check: 2 s measured, 1 s warm-up (explicit --duration/--warmup win)
  --real-subgraphs      every subgraph request reaches the Node subgraphs (default: repeated identical
                        requests are answered from a memo of the real first answer; see bench/memoProxy.ts)
  --junction-cli <js>   Junction's CLI entry (default dist/src/cli/index.js)
  --output <file>       JSON results (default bench/results/latest.json)
  -h, --help            show this help`;

interface Settings {
  readonly durationSec: number;
  readonly warmupSec: number;
  readonly connections: number;
  readonly quick: boolean;
  readonly realSubgraphs: boolean;
  readonly junctionCli: string;
  readonly output: string;
}

type Parsed = { kind: 'run'; settings: Settings } | { kind: 'help' } | { kind: 'error'; message: string };

export function parseOptions(argv: readonly string[]): Parsed {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        duration: { type: 'string' },
        warmup: { type: 'string' },
        connections: { type: 'string' },
        quick: { type: 'boolean', default: false },
        'real-subgraphs': { type: 'boolean', default: false },
        'junction-cli': { type: 'string' },
        output: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
  }
  if (values.help) return { kind: 'help' };
  const quick = values.quick === true;
  const durationSec = positive(values.duration, quick ? 2 : 10);
  const warmupSec = positive(values.warmup, quick ? 1 : 3, true);
  const connections = positive(values.connections, 32);
  if (durationSec === undefined || !Number.isInteger(durationSec)) return { kind: 'error', message: '--duration must be a positive whole number of seconds' };
  if (warmupSec === undefined || !Number.isInteger(warmupSec)) return { kind: 'error', message: '--warmup must be a whole number of seconds (0 allowed)' };
  if (connections === undefined || !Number.isInteger(connections)) return { kind: 'error', message: '--connections must be a positive integer' };
  return {
    kind: 'run',
    settings: {
      durationSec,
      warmupSec,
      connections,
      quick,
      realSubgraphs: values['real-subgraphs'] === true,
      junctionCli: resolve(values['junction-cli'] ?? join(ROOT, 'dist', 'src', 'cli', 'index.js')),
      output: resolve(values.output ?? join(ROOT, 'bench', 'results', 'latest.json')),
    },
  };
}

/** The parsed number, the default when absent, or undefined when invalid. */
function positive(raw: string | undefined, fallback: number, allowZero = false): number | undefined {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0 || (value === 0 && !allowZero)) return undefined;
  return value;
}

/** How to start one gateway and tell when it is ready; everything else is the same for both. */
interface GatewaySpec {
  readonly id: GatewayId;
  start(port: number, supergraphFile: string): ManagedChild;
  graphqlUrl(port: number): string;
  isReady(port: number): Promise<boolean>;
}

function gatewaySpecs(settings: Settings): readonly GatewaySpec[] {
  const stock: GatewaySpec = {
    id: 'stock',
    start: (port, supergraphFile) =>
      spawnNode('stock gateway', join(DIST_BENCH, 'stockGateway.js'), ['--supergraph', supergraphFile, '--port', String(port), '--host', HOST], childEnv({ NODE_ENV: 'production' })),
    // startStandaloneServer answers GraphQL on every path; '/' is the URL it reports.
    graphqlUrl: (port) => `http://${HOST}:${port}/`,
    // Stock Apollo Server 5 has no health route; it listens only once the gateway has loaded
    // the supergraph, so any successful GraphQL answer means ready.
    isReady: async (port) => (await postGraphQL(`http://${HOST}:${port}/`, JSON.stringify({ query: '{ __typename }' }), 1_000)).status === 200,
  };
  const junction: GatewaySpec = {
    id: 'junction',
    start: (port, supergraphFile) =>
      spawnNode(
        'junction',
        settings.junctionCli,
        ['serve', '--supergraph', supergraphFile, '--port', String(port), '--host', HOST, ...(junctionConfig ? ['--config', junctionConfig] : [])],
        childEnv({ NODE_ENV: 'production', LOG_LEVEL: 'warn' }),
      ),
    graphqlUrl: (port) => `http://${HOST}:${port}/graphql`,
    // /health is 200 only once a supergraph is active and /graphql can answer.
    isReady: async (port) => (await fetch(`http://${HOST}:${port}/health`, { signal: AbortSignal.timeout(1_000) })).status === 200,
  };
  // Stock first: it sets the reference `data` that Junction must reproduce byte for byte.
  return [stock, junction];
}

/** A response that passed the correctness check: its raw text and JSON.stringify(data). */
interface CheckedReply {
  readonly text: string;
  readonly data: string;
}

/** One request: HTTP 200, JSON, no `errors`, non-null `data`. Throws a readable error otherwise. */
async function checkedRequest(label: string, url: string, body: string): Promise<CheckedReply> {
  const reply = await postGraphQL(url, body);
  if (reply.status !== 200) throw new Error(`${label} answered HTTP ${reply.status}: ${reply.text.slice(0, 1_000)}`);
  const json = reply.json as { data?: unknown; errors?: unknown } | undefined;
  if (typeof json !== 'object' || json === null) throw new Error(`${label} answered something that is not a JSON object: ${reply.text.slice(0, 1_000)}`);
  if (json.errors !== undefined) throw new Error(`${label} answered with errors: ${JSON.stringify(json.errors).slice(0, 1_000)}`);
  if (json.data === undefined || json.data === null) throw new Error(`${label} answered without data: ${reply.text.slice(0, 1_000)}`);
  return { text: reply.text, data: JSON.stringify(json.data) };
}

/** Where two strings first differ, with context, so a data mismatch can be diagnosed from the message. */
function describeDifference(expected: string, actual: string, names: readonly [string, string] = ['expected', 'got']): string {
  let i = 0;
  while (i < expected.length && i < actual.length && expected[i] === actual[i]) i++;
  const from = Math.max(0, i - 80);
  const width = Math.max(names[0].length, names[1].length) + 1;
  return [
    `lengths: ${names[0]} ${expected.length}, ${names[1]} ${actual.length}; first difference at character ${i}`,
    `  ${`${names[0]}:`.padEnd(width)} …${expected.slice(from, i + 80)}…`,
    `  ${`${names[1]}:`.padEnd(width)} …${actual.slice(from, i + 80)}…`,
  ].join('\n');
}

/**
 * Every response of a run is checked. Most are byte-identical to the checked reply, so a string
 * compare settles them; anything else (e.g. a gateway adding varying extensions) is parsed and must
 * still have no `errors` and exactly the reference `data`.
 */
function bodyVerifier(reference: CheckedReply, expectedData: string): (body: string) => boolean {
  return (body) => {
    if (body === reference.text) return true;
    try {
      const json = JSON.parse(body) as { data?: unknown; errors?: unknown };
      return json.errors === undefined && JSON.stringify(json.data) === expectedData;
    } catch {
      return false;
    }
  };
}

/** Why a body failed verification, in a line or three rather than 30 KiB of JSON. */
function explainBadBody(body: string, expectedData: string): string {
  let json: { data?: unknown; errors?: unknown };
  try {
    json = JSON.parse(body) as typeof json;
  } catch {
    return `not JSON: ${body.slice(0, 300)}`;
  }
  if (json.errors !== undefined) return `errors ${JSON.stringify(json.errors).slice(0, 500)}`;
  return `different data\n${describeDifference(expectedData, JSON.stringify(json.data) ?? 'undefined')}`;
}

/** Throws unless every response of the measured run was a verified HTTP 200. */
function assertCleanRun(label: string, load: LoadResult, expectedData: string, child: ManagedChild): void {
  const m = load.measured;
  const other = Object.entries(m.statusCodes).filter(([code]) => code !== '200');
  const problems: string[] = [];
  if (m.completed === 0) problems.push('no request completed');
  if (m.non2xx > 0 || other.length > 0) problems.push(`non-200 responses: ${other.map(([c, n]) => `${n}× ${c}`).join(', ') || m.non2xx}`);
  if (m.errors > 0) problems.push(`${m.errors} connection errors (${m.timeouts} timeouts)`);
  if (m.mismatches > 0) {
    const first = load.firstMismatch === undefined ? '(not captured)' : explainBadBody(load.firstMismatch, expectedData);
    problems.push(`${m.mismatches} responses with errors or unexpected data; the first: ${first}`);
  }
  if (problems.length === 0) return;
  const out = child.output();
  throw new Error(`${label}: the measured run is not trustworthy: ${problems.join('; ')}${out ? `\n${label} output:\n${out}` : ''}`);
}

interface Measured {
  readonly measurement: GatewayMeasurement;
  readonly data: string;
}

async function measureGateway(
  spec: GatewaySpec,
  workload: Workload,
  supergraphFile: string,
  settings: Settings,
  clockTicks: number,
  referenceData: string | undefined,
): Promise<Measured> {
  const label = `${spec.id} (${workload.name})`;
  const port = await freePort(HOST);
  const started = Date.now();
  const child = spec.start(port, supergraphFile);
  try {
    await waitUntilReady(child, () => spec.isReady(port));
    progress(`  ${spec.id}: ready in ${Date.now() - started} ms (pid ${child.pid}, port ${port})`);
    const url = spec.graphqlUrl(port);
    const body = requestBody(workload);
    const registration = registrationBody(workload);
    if (registration !== undefined) await checkedRequest(`${label} registration`, url, registration);

    const reply = await checkedRequest(label, url, body);
    if (referenceData !== undefined && reply.data !== referenceData) {
      throw new Error(`Junction's data differs from stock's for "${workload.name}"; refusing to compare speed of different answers.\n${describeDifference(referenceData, reply.data, ['stock', 'junction'])}`);
    }
    const expectedData = referenceData ?? reply.data;
    const verifyBody = bodyVerifier(reply, expectedData);
    const assertAlive = (): void => {
      if (!child.running) throw new Error(child.describeFailure());
    };

    progress(`  ${spec.id}: ${settings.warmupSec} s warm-up, then ${settings.durationSec} s measured, at ${settings.connections} connections`);
    let cpuBefore: number | undefined;
    let cpuAfter: number | undefined;
    let subgraphCpuBefore: number | undefined;
    let subgraphCpuAfter: number | undefined;
    let peakRss: number | undefined;
    // /proc is read synchronously at the window's edges; a gateway that died makes the read throw,
    // which must not escape autocannon's callbacks, so failures are recorded and reported below.
    const sample = (read: () => void): void => {
      try {
        read();
      } catch {
        // Left undefined; assertAlive() explains why.
      }
    };
    const load = await runLoad({
      url,
      body,
      connections: settings.connections,
      warmupSec: settings.warmupSec,
      durationSec: settings.durationSec,
      verifyBody,
      abortWhen: child.exited,
      onMeasureStart: () =>
        sample(() => {
          cpuBefore = readCpuTicks(child.pid);
          if (subgraphsPid !== undefined) subgraphCpuBefore = readCpuTicks(subgraphsPid);
        }),
      onMeasureEnd: () =>
        sample(() => {
          cpuAfter = readCpuTicks(child.pid);
          if (subgraphsPid !== undefined) subgraphCpuAfter = readCpuTicks(subgraphsPid);
          peakRss = readPeakRssBytes(child.pid);
        }),
    });
    assertAlive();
    const warm = load.warmup;
    const badWarmup = warm.non2xx + warm.errors + warm.mismatches;
    // Not fatal (a cold start may time out once), but worth seeing; the measured window is strict.
    if (badWarmup > 0) {
      progress(`  ${spec.id}: warning: ${badWarmup} of ${warm.completed} warm-up requests failed (non-2xx ${warm.non2xx}, connection errors ${warm.errors}, bad bodies ${warm.mismatches})`);
    }
    if (cpuBefore === undefined || cpuAfter === undefined || peakRss === undefined) throw new Error(`${label}: could not read /proc/${child.pid}`);
    assertCleanRun(label, load, expectedData, child);

    // A last request after the load: the gateway must still answer correctly once it has been busy.
    const after = await checkedRequest(label, url, body);
    if (after.data !== expectedData) throw new Error(`${label}: after the run the data changed.\n${describeDifference(expectedData, after.data, ['before', 'after'])}`);

    const cpuMsTotal = ((cpuAfter - cpuBefore) * 1_000) / clockTicks;
    const m = load.measured;
    return {
      data: reply.data,
      measurement: {
        gateway: spec.id,
        requests: m.completed,
        durationSec: m.durationSec,
        requestsPerSec: m.requestsPerSec,
        latencyMs: m.latencyMs,
        cpuMsTotal,
        cpuMsPerRequest: cpuMsTotal / m.completed,
        subgraphCpuMsPerRequest:
          subgraphCpuBefore !== undefined && subgraphCpuAfter !== undefined ? ((subgraphCpuAfter - subgraphCpuBefore) * 1_000) / clockTicks / m.completed : Number.NaN,
        peakRssMiB: peakRss / (1024 * 1024),
      },
    };
  } finally {
    await child.stop();
  }
}

/** Progress goes to stderr, so stdout holds only the header and the result tables. */
function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}

let tempDir: string | undefined;
// Junction's gateway.yaml for the run (trusts the run's token; see benchAuth.ts).
let junctionConfig: string | undefined;
// The subgraphs' process: its CPU per request is shown too, since on a small machine it bounds throughput.
let subgraphsPid: number | undefined;

function removeTempDir(): void {
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  tempDir = undefined;
}

async function composeSupergraph(subgraphs: readonly { name: string; url: string }[]): Promise<string> {
  const sources = await Promise.all(subgraphs.map(async (s) => ({ name: s.name, url: s.url, sdl: await introspect(s.url, {}) })));
  const composed = composeSubgraphs(sources);
  if (!composed.ok) {
    throw new Error(`The sample subgraphs do not compose:\n${composed.errors.map((e) => `  [${e.code}] ${e.message}`).join('\n')}`);
  }
  return composed.supergraphSdl;
}

async function run(settings: Settings): Promise<void> {
  assertProcAvailable();
  const needed = [
    [join(DIST_BENCH, 'subgraphsProcess.js'), 'the bench build'],
    [join(DIST_BENCH, 'stockGateway.js'), 'the bench build'],
    [settings.junctionCli, "Junction's CLI"],
  ] as const;
  for (const [file, what] of needed) {
    if (!existsSync(file)) throw new Error(`${what} is missing: ${file} (build first: npx tsc -p tsconfig.build.json)`);
  }

  const clock = clockTicksPerSecond();
  const cpuList = cpus();
  const environment: BenchReport['environment'] = {
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    cpus: cpuList.length,
    cpuModel: cpuList[0]?.model.trim() ?? 'unknown',
    clockTicksPerSecond: clock.ticks,
    clockTicksSource: clock.source,
  };
  const reportSettings: BenchReport['settings'] = {
    connections: settings.connections,
    warmupSec: settings.warmupSec,
    durationSec: settings.durationSec,
    quick: settings.quick,
    realSubgraphs: settings.realSubgraphs,
    junctionCli: relative(ROOT, settings.junctionCli) || settings.junctionCli,
  };
  console.log(formatHeader(environment, reportSettings));
  console.log('');

  progress('starting subgraphs…');
  // Production mode for the subgraphs too: less per-request overhead, same for both gateways.
  const { child: subgraphsChild, subgraphs } = await startSubgraphsProcess(
    join(DIST_BENCH, 'subgraphsProcess.js'),
    childEnv({ NODE_ENV: 'production', BENCH_SUBGRAPH_MEMO: settings.realSubgraphs ? '0' : '1' }),
  );
  subgraphsPid = subgraphsChild.pid;
  progress(`  ${subgraphs.map((s) => `${s.name} ${s.url}`).join(', ')}`);
  const supergraphSdl = await composeSupergraph(subgraphs);
  tempDir = mkdtempSync(join(tmpdir(), 'junction-bench-'));
  const supergraphFile = join(tempDir, 'supergraph.graphql');
  writeFileSync(supergraphFile, supergraphSdl);
  junctionConfig = await prepareBenchAuth(tempDir);

  const results: WorkloadResult[] = [];
  for (const workload of WORKLOADS) {
    progress(`workload "${workload.name}"`);
    const measurements: GatewayMeasurement[] = [];
    let referenceData: string | undefined;
    // One gateway at a time, each a fresh process: no competition for CPU, and a clean peak RSS.
    for (const spec of gatewaySpecs(settings)) {
      const { measurement, data } = await measureGateway(spec, workload, supergraphFile, settings, clock.ticks, referenceData);
      referenceData ??= data;
      measurements.push(measurement);
    }
    const stock = measurements.find((m) => m.gateway === 'stock');
    const junction = measurements.find((m) => m.gateway === 'junction');
    const result: WorkloadResult = {
      workload: workload.name,
      description: workload.description,
      query: workload.query,
      responseDataBytes: Buffer.byteLength(referenceData ?? ''),
      gateways: measurements,
      ratios: stock && junction ? computeRatios(stock, junction) : undefined,
    };
    results.push(result);
    console.log(formatWorkload(result));
    console.log('');
  }

  // Memory under a stream of distinct operations: every cache on the way must be bounded.
  const distinctRows: Array<{ gateway: string; result: DistinctResult }> = [];
  const operations = settings.quick ? 2_000 : 10_000;
  for (const spec of gatewaySpecs(settings)) {
    progress(`distinct operations: ${spec.id}`);
    const port = await freePort(HOST);
    const child = spec.start(port, supergraphFile);
    try {
      await waitUntilReady(child, () => spec.isReady(port));
      const result = await runDistinct(spec.graphqlUrl(port), child.pid, operations, [operations / 10, operations / 2, operations]);
      if (result.failures > 0) throw new Error(`${spec.id}: ${result.failures} of ${operations} distinct operations failed`);
      distinctRows.push({ gateway: spec.id, result });
    } finally {
      await child.stop();
    }
  }
  console.log(formatDistinct(distinctRows));
  console.log('');

  const report: BenchReport = { generatedAt: new Date().toISOString(), environment, settings: reportSettings, workloads: results, distinct: distinctRows };
  writeJsonReport(settings.output, report);
  console.log(`JSON results: ${relative(process.cwd(), settings.output) || settings.output}`);
}

async function main(): Promise<void> {
  const parsed = parseOptions(process.argv.slice(2));
  if (parsed.kind === 'help') {
    console.log(USAGE);
    return;
  }
  if (parsed.kind === 'error') {
    console.error(`${parsed.message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }

  // Whatever happens, no child may outlive the harness: async cleanup on signals, a synchronous
  // SIGKILL sweep on exit as the last resort.
  process.on('exit', () => {
    killAllChildrenNow();
    removeTempDir();
  });
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (interrupted) process.exit(130);
    interrupted = true;
    progress(`\n${signal}: stopping gateways and subgraphs…`);
    void stopAllChildren().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    await run(parsed.settings);
  } catch (error) {
    if (interrupted) return;
    console.error(`\nbench failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  } finally {
    if (!interrupted) {
      await stopAllChildren();
      removeTempDir();
    }
  }
}

if (require.main === module) void main();
