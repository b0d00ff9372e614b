// Benchmark entry (`npm run bench` → node dist/bench/run.js): stock @apollo/gateway vs Junction on the
// same supergraph and queries. See `--help`. Everything it measures runs in child processes: the
// subgraphs in one, each gateway in its own (one at a time), so /proc numbers are the gateway's alone.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { composeSubgraphs, introspect } from '../src/composition';
import { postGraphQL, runLoad } from './load';
import { assertProcAvailable, clockTicksPerSecond, readCpuTicks, readTreeCpuTicks, readTreePeakRssBytes } from './procStats';
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
import { WORKLOADS, registrationBody, requestBodies, type JunctionRun, type Workload } from './queries';
import { formatDefer, runDefer, type DeferResult } from './defer';
import { formatDistinct, runDistinct, type DistinctResult } from './distinct';
import { formatPlanning, runPlanning } from './planning';
import { formatSubscriptions, runSubscriptionsBench, type SubscriptionsResult } from './subscriptions';
import { prepareBenchAuth, requestHeaders } from './benchAuth';
import { readTraffic, trafficBetween, type TrafficSnapshot } from './subgraphTraffic';
import { assertCleanRun, bodyVerifier, checkedRequest, describeDifference, type CheckedReply } from './verify';
import {
  computeRatios,
  computeTrafficRatios,
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

/** Runs beside the workloads, each with its own module and output: memory under distinct operations, subscriptions. */
const SPECIAL_RUNS = ['distinct', 'subscriptions', 'defer', 'planning'] as const;

const USAGE = `Usage: node dist/bench/run.js [options]

Benchmarks stock @apollo/gateway + @apollo/server against Junction on the sample subgraphs.

Options:
  --duration <s>        measured seconds per gateway and workload (default 10)
  --warmup <s>          unmeasured load before the measured window, same run (default 3)
  --connections <n>     concurrent connections, closed loop (default 32)
  --quick               smoke check: 2 s measured, 1 s warm-up (explicit --duration/--warmup win)
  --real-subgraphs      every subgraph request reaches the Node subgraphs (default: repeated identical
                        requests are answered from a memo of the real first answer; see bench/memoProxy.ts)
  --only <names>        comma-separated workloads to run (default all):
                        ${[...WORKLOADS.map((w) => w.name), ...SPECIAL_RUNS].join(', ')}
                        (subscriptions, defer, planning: Junction only; planning compares its two planners)
  --cpu-prof            write a V8 CPU profile of every Junction process (node --cpu-prof) to
                        bench/results/profiles/, named by workload and run
  --junction-cli <js>   Junction's CLI entry (default dist/src/cli/index.js)
  --junction-node-args <args>
                        extra Node/V8 flags for every Junction process, space-separated (for example
                        --junction-node-args="--max-semi-space-size=32"; the = form, as the value starts
                        with a dash), to measure a runtime setting against the default
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
  /** Workload names to run ('distinct' for the memory run, 'subscriptions', 'defer'); undefined: all. */
  readonly only: ReadonlySet<string> | undefined;
  /** Where Junction's CPU profiles go; undefined: not profiled. */
  readonly cpuProfDir: string | undefined;
  /** Extra node flags for Junction's processes (`--junction-node-args`). */
  readonly junctionNodeArgs: readonly string[];
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
        only: { type: 'string' },
        'cpu-prof': { type: 'boolean', default: false },
        'junction-node-args': { type: 'string' },
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
  const only = values.only === undefined ? undefined : new Set(values.only.split(',').map((n) => n.trim()).filter((n) => n !== ''));
  const known = new Set<string>([...WORKLOADS.map((w) => w.name), ...SPECIAL_RUNS]);
  const unknown = [...(only ?? [])].filter((n) => !known.has(n));
  if (only !== undefined && (only.size === 0 || unknown.length > 0)) return { kind: 'error', message: `--only: unknown workload ${unknown.join(', ') || '(none given)'}` };
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
      only,
      cpuProfDir: values['cpu-prof'] === true ? join(ROOT, 'bench', 'results', 'profiles') : undefined,
      junctionNodeArgs: (values['junction-node-args'] ?? '').split(/\s+/).filter(Boolean),
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

/** How to start one gateway and tell when it is ready; everything else is the same for all of them. */
interface GatewaySpec {
  readonly id: GatewayId;
  /** Row label: "stock", or the Junction run's. */
  readonly label: string;
  /** For Junction: the YAML it gets on top of the bench's gateway.yaml. */
  readonly junctionConfig?: string;
  start(port: number, supergraphFile: string): ManagedChild;
  graphqlUrl(port: number): string;
  isReady(port: number): Promise<boolean>;
}

const STOCK: GatewaySpec = {
  id: 'stock',
  label: 'stock',
  start: (port, supergraphFile) =>
    spawnNode('stock gateway', join(DIST_BENCH, 'stockGateway.js'), ['--supergraph', supergraphFile, '--port', String(port), '--host', HOST], childEnv({ NODE_ENV: 'production' })),
  // startStandaloneServer answers GraphQL on every path; '/' is the URL it reports.
  graphqlUrl: (port) => `http://${HOST}:${port}/`,
  // Stock Apollo Server 5 has no health route; it listens only once the gateway has loaded
  // the supergraph, so any successful GraphQL answer means ready.
  isReady: async (port) => (await postGraphQL(`http://${HOST}:${port}/`, JSON.stringify({ query: '{ __typename }' }), 1_000)).status === 200,
};

function junctionSpec(settings: Settings, run: JunctionRun, profileName: string): GatewaySpec {
  const configFile = junctionConfigFile(run);
  const profile = [
    ...settings.junctionNodeArgs,
    ...(settings.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', settings.cpuProfDir, '--cpu-prof-name', `${profileName}.cpuprofile`] : []),
  ];
  return {
    id: 'junction',
    label: run.label,
    ...(run.config === undefined ? {} : { junctionConfig: run.config }),
    start: (port, supergraphFile) =>
      spawnNode(
        run.label,
        settings.junctionCli,
        ['serve', '--supergraph', supergraphFile, '--port', String(port), '--host', HOST, ...(configFile ? ['--config', configFile] : []), ...(run.args ?? [])],
        childEnv({ NODE_ENV: 'production', LOG_LEVEL: 'warn' }),
        profile,
      ),
    graphqlUrl: (port) => `http://${HOST}:${port}/graphql`,
    // /ready is 200 only once a supergraph is active and /graphql can answer (with --workers: on every worker).
    isReady: async (port) => (await fetch(`http://${HOST}:${port}/ready`, { signal: AbortSignal.timeout(1_000) })).status === 200,
  };
}

/** The run's gateway.yaml: the bench's (auth only) plus the run's own keys, written once per run label. */
function junctionConfigFile(run: JunctionRun): string | undefined {
  if (run.config === undefined || !junctionConfig || !tempDir) return junctionConfig;
  const file = join(tempDir, `gateway.${run.label.replace(/[^A-Za-z0-9_-]+/g, '_')}.yaml`);
  writeFileSync(file, `${readFileSync(junctionConfig, 'utf8')}${run.config}`);
  return file;
}

/** Stock first: it sets the reference `data` that every Junction run must reproduce byte for byte. */
function gatewaySpecs(settings: Settings, workload: Workload | undefined): readonly GatewaySpec[] {
  const runs = workload?.junctionRuns ?? [{ label: 'junction' }];
  return [STOCK, ...runs.map((run) => junctionSpec(settings, run, `${workload?.name ?? 'distinct'}.${run.label}`))];
}

interface Measured {
  readonly measurement: GatewayMeasurement;
  /** JSON.stringify(data) of each request body's answer, in order. */
  readonly data: readonly string[];
}

async function measureGateway(
  spec: GatewaySpec,
  workload: Workload,
  supergraphs: { readonly normal: string; readonly public: string },
  settings: Settings,
  clockTicks: number,
  referenceData: readonly string[] | undefined,
): Promise<Measured> {
  const label = `${spec.label} (${workload.name})`;
  const port = await freePort(HOST);
  const started = Date.now();
  const child = spec.start(port, workload.publicSubgraphs ? supergraphs.public : supergraphs.normal);
  try {
    await waitUntilReady(child, () => spec.isReady(port));
    progress(`  ${spec.label}: ready in ${Date.now() - started} ms (pid ${child.pid}, port ${port})`);
    const url = spec.graphqlUrl(port);
    const bodies = requestBodies(workload);
    const registration = registrationBody(workload);
    if (registration !== undefined) await checkedRequest(`${label} registration`, url, registration);

    // Every body once before the load: each answer must equal stock's answer to the same body.
    const replies: CheckedReply[] = [];
    for (const [i, body] of bodies.entries()) {
      const reply = await checkedRequest(label, url, body);
      const reference = referenceData?.[i];
      if (reference !== undefined && reply.data !== reference) {
        const which = bodies.length > 1 ? ` (operation ${i + 1}: ${body.slice(0, 200)})` : '';
        throw new Error(`${spec.label}'s data differs from stock's for "${workload.name}"${which}; refusing to compare speed of different answers.\n${describeDifference(reference, reply.data, ['stock', spec.label])}`);
      }
      replies.push(reply);
    }
    const expectedData = replies.map((reply, i) => referenceData?.[i] ?? reply.data);
    // Revalidation: the first answer's ETag on every request, and a 304's empty body is a correct answer.
    const etag = workload.revalidate ? replies[0]?.etag : undefined;
    const requests = bodies.map((body, i) => {
      const verify = bodyVerifier(replies[i] as CheckedReply, expectedData[i] as string);
      return { body, verify: etag === undefined ? verify : (text: string) => text === '' || verify(text) };
    });
    const assertAlive = (): void => {
      if (!child.running) throw new Error(child.describeFailure());
    };

    progress(`  ${spec.label}: ${settings.warmupSec} s warm-up, then ${settings.durationSec} s measured, at ${settings.connections} connections`);
    let cpuBefore: number | undefined;
    let cpuAfter: number | undefined;
    let subgraphCpuBefore: number | undefined;
    let subgraphCpuAfter: number | undefined;
    let peakRss: number | undefined;
    // The subgraphs' traffic counters come over IPC: asked for at the window's edges, awaited after the run.
    let trafficBefore: Promise<TrafficSnapshot> | undefined;
    let trafficAfter: Promise<TrafficSnapshot> | undefined;
    // /proc is read synchronously at the window's edges; a gateway that died makes the read throw,
    // which must not escape autocannon's callbacks, so failures are recorded and reported below.
    const sample = (read: () => void): void => {
      try {
        read();
      } catch {
        // Left undefined; assertAlive() explains why.
      }
    };
    const subgraphs = subgraphsChild;
    const load = await runLoad({
      url,
      requests,
      connections: settings.connections,
      warmupSec: settings.warmupSec,
      durationSec: settings.durationSec,
      ...(workload.countHeader === undefined ? {} : { countHeader: workload.countHeader }),
      ...(etag === undefined ? {} : { headers: { 'if-none-match': etag }, notModifiedOk: true }),
      abortWhen: child.exited,
      onMeasureStart: () =>
        sample(() => {
          if (subgraphs) trafficBefore = readTraffic(subgraphs);
          // The whole tree: with --workers the gateway is a supervisor and its workers.
          cpuBefore = readTreeCpuTicks(child.pid);
          if (subgraphs) subgraphCpuBefore = readCpuTicks(subgraphs.pid);
        }),
      onMeasureEnd: () =>
        sample(() => {
          cpuAfter = readTreeCpuTicks(child.pid);
          if (subgraphs) subgraphCpuAfter = readCpuTicks(subgraphs.pid);
          if (subgraphs) trafficAfter = readTraffic(subgraphs);
          peakRss = readTreePeakRssBytes(child.pid);
        }),
    });
    assertAlive();
    const warm = load.warmup;
    const badWarmup = warm.non2xx + warm.errors + warm.mismatches;
    // Not fatal (a cold start may time out once), but worth seeing; the measured window is strict.
    if (badWarmup > 0) {
      progress(`  ${spec.label}: warning: ${badWarmup} of ${warm.completed} warm-up requests failed (non-2xx ${warm.non2xx}, connection errors ${warm.errors}, bad bodies ${warm.mismatches})`);
    }
    if (cpuBefore === undefined || cpuAfter === undefined || peakRss === undefined) throw new Error(`${label}: could not read /proc/${child.pid}`);
    if (trafficBefore === undefined || trafficAfter === undefined) throw new Error(`${label}: the subgraphs' traffic counters were not read`);
    const [before, after] = await Promise.all([trafficBefore, trafficAfter]);
    assertCleanRun(label, load, expectedData, child, etag !== undefined);

    // A last round after the load: the gateway must still answer correctly once it has been busy.
    for (const [i, body] of bodies.entries()) {
      const again = await checkedRequest(label, url, body);
      const expected = expectedData[i] as string;
      if (again.data !== expected) throw new Error(`${label}: after the run the data changed.\n${describeDifference(expected, again.data, ['before', 'after'])}`);
    }

    const cpuMsTotal = ((cpuAfter - cpuBefore) * 1_000) / clockTicks;
    const m = load.measured;
    return {
      data: replies.map((reply) => reply.data),
      measurement: {
        gateway: spec.id,
        label: spec.label,
        ...(spec.junctionConfig === undefined ? {} : { junctionConfig: spec.junctionConfig }),
        requests: m.completed,
        durationSec: m.durationSec,
        requestsPerSec: m.requestsPerSec,
        latencyMs: m.latencyMs,
        cpuMsTotal,
        cpuMsPerRequest: cpuMsTotal / m.completed,
        subgraphCpuMsPerRequest:
          subgraphCpuBefore !== undefined && subgraphCpuAfter !== undefined ? ((subgraphCpuAfter - subgraphCpuBefore) * 1_000) / clockTicks / m.completed : Number.NaN,
        peakRssMiB: peakRss / (1024 * 1024),
        subgraphTraffic: trafficBetween(before, after, m.completed),
        ...(workload.countHeader === undefined ? {} : { withHeader: { header: workload.countHeader, responses: m.withHeader } }),
        ...(workload.revalidate ? { notModified: m.statusCodes['304'] ?? 0 } : {}),
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
// The subgraphs' process: its CPU per request is shown too, since on a small machine it bounds throughput,
// and it counts the requests and bytes that reach the subgraphs.
let subgraphsChild: ManagedChild | undefined;

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
  const { child: startedSubgraphs, subgraphs, publicSubgraphs } = await startSubgraphsProcess(
    join(DIST_BENCH, 'subgraphsProcess.js'),
    childEnv({ NODE_ENV: 'production', BENCH_SUBGRAPH_MEMO: settings.realSubgraphs ? '0' : '1' }),
  );
  subgraphsChild = startedSubgraphs;
  if (settings.cpuProfDir) mkdirSync(settings.cpuProfDir, { recursive: true });
  progress(`  ${subgraphs.map((s) => `${s.name} ${s.url}`).join(', ')}`);
  const supergraphSdl = await composeSupergraph(subgraphs);
  tempDir = mkdtempSync(join(tmpdir(), 'junction-bench-'));
  const supergraphFile = join(tempDir, 'supergraph.graphql');
  writeFileSync(supergraphFile, supergraphSdl);
  // The same subgraphs behind fronts answering `public, max-age=60` (the cache-hit workloads).
  const publicSupergraphFile = join(tempDir, 'supergraph.public.graphql');
  writeFileSync(publicSupergraphFile, await composeSupergraph(publicSubgraphs));
  const supergraphs = { normal: supergraphFile, public: publicSupergraphFile };
  junctionConfig = await prepareBenchAuth(tempDir);

  const results: WorkloadResult[] = [];
  for (const workload of WORKLOADS) {
    if (settings.only && !settings.only.has(workload.name)) continue;
    progress(`workload "${workload.name}"`);
    const measurements: GatewayMeasurement[] = [];
    let referenceData: readonly string[] | undefined;
    // One gateway at a time, each a fresh process: no competition for CPU, and a clean peak RSS.
    for (const spec of gatewaySpecs(settings, workload)) {
      const { measurement, data } = await measureGateway(spec, workload, supergraphs, settings, clock.ticks, referenceData);
      referenceData ??= data;
      measurements.push(measurement);
    }
    const stock = measurements.find((m) => m.gateway === 'stock');
    const gateways = measurements.map((m) => (stock && m.gateway === 'junction' ? { ...m, vsStock: computeRatios(stock, m) } : m));
    const junction = gateways.find((m) => m.gateway === 'junction');
    const result: WorkloadResult = {
      workload: workload.name,
      description: workload.description,
      query: workload.query,
      operations: referenceData?.length ?? 1,
      responseDataBytes: (referenceData ?? []).reduce((sum, data) => sum + Buffer.byteLength(data), 0),
      gateways,
      ratios: junction?.vsStock,
      trafficRatios: computeTrafficRatios(gateways),
      ...(workload.showTraffic ? { showTraffic: true } : {}),
    };
    results.push(result);
    console.log(formatWorkload(result));
    console.log('');
  }

  // Memory under a stream of distinct operations: every cache on the way must be bounded.
  const distinctRows: Array<{ gateway: string; result: DistinctResult }> = [];
  const operations = settings.quick ? 2_000 : 10_000;
  for (const spec of settings.only && !settings.only.has('distinct') ? [] : gatewaySpecs(settings, undefined)) {
    progress(`distinct operations: ${spec.label}`);
    const port = await freePort(HOST);
    const child = spec.start(port, supergraphFile);
    try {
      await waitUntilReady(child, () => spec.isReady(port));
      const result = await runDistinct(spec.graphqlUrl(port), child.pid, operations, [operations / 10, operations / 2, operations]);
      if (result.failures > 0) throw new Error(`${spec.label}: ${result.failures} of ${operations} distinct operations failed`);
      distinctRows.push({ gateway: spec.label, result });
    } finally {
      await child.stop();
    }
  }
  if (distinctRows.length > 0) {
    console.log(formatDistinct(distinctRows));
    console.log('');
  }

  // Subscriptions (WebSocket): idle memory per subscription and fan-out latency, Junction only.
  let subscriptions: SubscriptionsResult | undefined;
  if (!settings.only || settings.only.has('subscriptions')) {
    subscriptions = await runSubscriptionsBench({
      quick: settings.quick,
      subgraphsScript: join(DIST_BENCH, 'subgraphsProcess.js'),
      junctionCli: settings.junctionCli,
      baseConfig: junctionConfig,
      tempDir,
      authorization: requestHeaders.authorization ?? '',
      compose: composeSupergraph,
      clockTicks: clock.ticks,
      cpuProfDir: settings.cpuProfDir,
      progress,
    });
    console.log(formatSubscriptions(subscriptions));
    console.log('');
  }

  const defer = settings.only && !settings.only.has('defer') ? undefined : await measureDefer(settings);
  if (defer) {
    console.log(formatDefer(defer));
    console.log('');
  }

  // Cold planning with each planner: in-process figures, then startup with a prewarmed manifest.
  const planning = settings.only && !settings.only.has('planning')
    ? undefined
    : await runPlanning({ quick: settings.quick, supergraphFile, junctionCli: settings.junctionCli, baseConfig: junctionConfig, tempDir, workerScript: join(DIST_BENCH, 'planningWorker.js'), progress });
  if (planning) {
    console.log(formatPlanning(planning));
    console.log('');
  }

  const report: BenchReport = {
    generatedAt: new Date().toISOString(),
    environment,
    settings: reportSettings,
    workloads: results,
    distinct: distinctRows,
    ...(subscriptions ? { subscriptions } : {}),
    ...(defer ? { defer } : {}),
    ...(planning ? { planning } : {}),
  };
  writeJsonReport(settings.output, report);
  console.log(`JSON results: ${relative(process.cwd(), settings.output) || settings.output}`);
}

/** Inventory's shippingEstimate delay in the @defer run: the slow field a frontend would defer. */
const DEFER_SHIPPING_DELAY_MS = 200;

/**
 * @defer, Junction only (stock @apollo/gateway has no Defer support): its own subgraphs process with the slow
 * field and no memo (a memo would answer without the delay), and one Junction over them.
 */
async function measureDefer(settings: Settings): Promise<DeferResult> {
  progress(`@defer: subgraphs with shippingEstimate delayed ${DEFER_SHIPPING_DELAY_MS} ms`);
  const { child: slowSubgraphs, subgraphs } = await startSubgraphsProcess(
    join(DIST_BENCH, 'subgraphsProcess.js'),
    childEnv({ NODE_ENV: 'production', BENCH_SUBGRAPH_MEMO: '0', INVENTORY_SHIPPING_DELAY_MS: String(DEFER_SHIPPING_DELAY_MS) }),
  );
  const spec = junctionSpec(settings, { label: 'junction' }, 'defer.junction');
  let gateway: ManagedChild | undefined;
  try {
    const supergraphFile = join(tempDir as string, 'supergraph.defer.graphql');
    writeFileSync(supergraphFile, await composeSupergraph(subgraphs));
    const port = await freePort(HOST);
    gateway = spec.start(port, supergraphFile);
    const started = gateway;
    await waitUntilReady(started, () => spec.isReady(port));
    return await runDefer(spec.graphqlUrl(port), settings.quick ? 20 : 50, DEFER_SHIPPING_DELAY_MS);
  } finally {
    await gateway?.stop();
    await slowSubgraphs.stop();
  }
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
