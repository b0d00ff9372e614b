import type { DeferResult } from './defer';
import type { DistinctResult } from './distinct';
import type { PlanningResult } from './planning';
import type { SubscriptionsResult } from './subscriptions';
import type { SubgraphTraffic, TrafficCounts } from './subgraphTraffic';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export type GatewayId = 'stock' | 'junction';

/** One gateway under one workload: what the table shows, plus the raw counts behind it. */
export interface GatewayMeasurement {
  readonly gateway: GatewayId;
  /** The row's name: "stock", "junction", or a Junction run of the workload such as "junction+entity-cache". */
  readonly label: string;
  /** YAML Junction got on top of the bench's gateway.yaml for this run. */
  readonly junctionConfig?: string;
  /** Requests completed in the measured window (all verified 200 with the expected data). */
  readonly requests: number;
  readonly durationSec: number;
  readonly requestsPerSec: number;
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly mean: number; readonly max: number };
  /** Gateway process CPU (user + system, all threads) during the measured window. */
  readonly cpuMsTotal: number;
  readonly cpuMsPerRequest: number;
  /** CPU of the subgraphs' process per request in the same window (not the gateway's; shows what bounds throughput). */
  readonly subgraphCpuMsPerRequest: number;
  /** VmHWM at the end of the run: the most memory the gateway process ever held resident. */
  readonly peakRssMiB: number;
  /** What reached the subgraphs' front door in the measured window. */
  readonly subgraphTraffic: SubgraphTraffic;
  /** Measured responses carrying the workload's `countHeader` (Junction's response-cache hits carry `age`). */
  readonly withHeader?: { readonly header: string; readonly responses: number };
  /** Revalidation workloads: measured responses that were 304 Not Modified (no body). */
  readonly notModified?: number;
  /** This Junction run divided by stock. */
  readonly vsStock?: Ratios;
}

/** Junction divided by stock. Above 1 is better for requests/s; below 1 is better for the rest. */
export interface Ratios {
  readonly requestsPerSec: number;
  readonly latencyP50: number;
  readonly latencyP99: number;
  readonly cpuMsPerRequest: number;
  readonly peakRssMiB: number;
}

export interface WorkloadResult {
  readonly workload: string;
  readonly description: string;
  readonly query: string;
  /** How many different operations were sent in turn (1 for most workloads). */
  readonly operations: number;
  /** Size of JSON.stringify(data), identical for every gateway (checked before measuring); summed over the operations. */
  readonly responseDataBytes: number;
  readonly gateways: readonly GatewayMeasurement[];
  /** The first Junction run divided by stock (each Junction run has its own in `vsStock`). */
  readonly ratios: Ratios | undefined;
  /** Subgraph traffic per client request of each later Junction run divided by the first Junction run's. */
  readonly trafficRatios?: ReadonlyArray<{ readonly label: string; readonly versus: string } & TrafficCounts>;
  /** Print the traffic table. */
  readonly showTraffic?: boolean;
}

export interface BenchReport {
  readonly generatedAt: string;
  /** Resident memory while 10,000 distinct operations stream through each gateway. */
  readonly distinct?: ReadonlyArray<{ readonly gateway: string; readonly result: DistinctResult }>;
  /** Junction over WebSocket: idle memory per subscription and fan-out latency (stock has no subscriptions). */
  readonly subscriptions?: SubscriptionsResult;
  /** Junction only (stock has no @defer): time to the first part and to the whole answer, with and without @defer. */
  readonly defer?: DeferResult;
  /** Junction only, each planner: build time and memory, cold planning, startup with a prewarmed manifest. */
  readonly planning?: PlanningResult;
  readonly environment: {
    readonly node: string;
    readonly platform: string;
    readonly arch: string;
    readonly cpus: number;
    readonly cpuModel: string;
    readonly clockTicksPerSecond: number;
    readonly clockTicksSource: 'getconf' | 'assumed';
  };
  readonly settings: {
    readonly connections: number;
    readonly warmupSec: number;
    readonly durationSec: number;
    readonly quick: boolean;
    /** False: repeated identical subgraph requests were answered from a memo of the real first answer. */
    readonly realSubgraphs: boolean;
    readonly junctionCli: string;
  };
  readonly workloads: readonly WorkloadResult[];
}

export function computeRatios(stock: GatewayMeasurement, junction: GatewayMeasurement): Ratios {
  return {
    requestsPerSec: ratio(junction.requestsPerSec, stock.requestsPerSec),
    latencyP50: ratio(junction.latencyMs.p50, stock.latencyMs.p50),
    latencyP99: ratio(junction.latencyMs.p99, stock.latencyMs.p99),
    cpuMsPerRequest: ratio(junction.cpuMsPerRequest, stock.cpuMsPerRequest),
    peakRssMiB: ratio(junction.peakRssMiB, stock.peakRssMiB),
  };
}

/** Later Junction runs' subgraph traffic per client request divided by the first Junction run's. */
export function computeTrafficRatios(gateways: readonly GatewayMeasurement[]): NonNullable<WorkloadResult['trafficRatios']> {
  const [first, ...later] = gateways.filter((g) => g.gateway === 'junction');
  if (!first) return [];
  const a = first.subgraphTraffic.perClientRequest;
  return later.map((g) => {
    const b = g.subgraphTraffic.perClientRequest;
    return { label: g.label, versus: first.label, requests: ratio(b.requests, a.requests), requestBytes: ratio(b.requestBytes, a.requestBytes), responseBytes: ratio(b.responseBytes, a.responseBytes) };
  });
}

/** NaN rather than Infinity when stock measured 0, so JSON keeps it (as null) and the table shows "n/a". */
function ratio(a: number, b: number): number {
  return b > 0 ? a / b : Number.NaN;
}

/** The lines printed above the tables, so a pasted result always says how it was obtained. */
export function formatHeader(environment: BenchReport['environment'], settings: BenchReport['settings']): string {
  return [
    `node ${environment.node} on ${environment.platform}/${environment.arch}, ${environment.cpus} CPUs (${environment.cpuModel})`,
    `clock ticks/s: ${environment.clockTicksPerSecond} (${environment.clockTicksSource})`,
    `connections: ${settings.connections} (closed loop), warm-up: ${settings.warmupSec} s (not measured), measured: ${settings.durationSec} s${settings.quick ? ' (--quick)' : ''}`,
    `junction: ${settings.junctionCli}`,
    'gateways run one at a time, each in its own process (NODE_ENV=production); subgraphs run in a separate process',
    settings.realSubgraphs
      ? 'subgraphs: every request executed by the Node subgraphs (--real-subgraphs)'
      : 'subgraphs: repeated identical requests answered from a memo of the real first answer (--real-subgraphs to turn off)',
  ].join('\n');
}

export function formatWorkload(result: WorkloadResult): string {
  const header = ['gateway', 'req/s', 'p50 ms', 'p99 ms', 'CPU ms/req', 'peak RSS MiB', 'requests', 'subgraphs CPU ms/req'];
  const rows: string[][] = result.gateways.map((g) => [
    g.label,
    g.requestsPerSec.toFixed(1),
    g.latencyMs.p50.toFixed(2),
    g.latencyMs.p99.toFixed(2),
    g.cpuMsPerRequest.toFixed(3),
    g.peakRssMiB.toFixed(1),
    String(g.requests),
    Number.isFinite(g.subgraphCpuMsPerRequest) ? g.subgraphCpuMsPerRequest.toFixed(3) : 'n/a',
  ]);
  for (const g of result.gateways) {
    const r = g.vsStock;
    if (r) rows.push([`${g.label}/stock`, times(r.requestsPerSec), times(r.latencyP50), times(r.latencyP99), times(r.cpuMsPerRequest), times(r.peakRssMiB), '', '']);
  }
  const bytes = result.responseDataBytes;
  const size = `${bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`}${result.operations > 1 ? ` over ${result.operations} operations` : ''}`;
  const lines = [`${result.workload}: ${result.description} (response data ${size})`, table(header, rows)];
  for (const g of result.gateways) {
    if (!g.withHeader || g.gateway !== 'junction') continue;
    const share = g.requests > 0 ? (100 * g.withHeader.responses) / g.requests : Number.NaN;
    lines.push(`${g.label}: ${g.withHeader.responses} of ${g.requests} measured responses carried \`${g.withHeader.header}\` (cache hits): ${share.toFixed(2)}%`);
  }
  for (const g of result.gateways) {
    if (g.notModified !== undefined) lines.push(`${g.label}: ${g.notModified} of ${g.requests} measured responses were 304 Not Modified`);
  }
  if (result.showTraffic) lines.push('', formatTraffic(result));
  return lines.join('\n');
}

/** Subgraph requests and bytes per client request, by run, and each later Junction run against the first. */
function formatTraffic(result: WorkloadResult): string {
  const names = [...new Set(result.gateways.flatMap((g) => Object.keys(g.subgraphTraffic.bySubgraph)))].sort();
  const header = ['per client request', 'subgraph reqs', 'req bytes', 'resp bytes', ...names.map((n) => `${n} reqs`)];
  const rows: string[][] = result.gateways.map((g) => {
    const t = g.subgraphTraffic;
    const per = (n: number): number => (g.requests > 0 ? n / g.requests : Number.NaN);
    return [g.label, fixed(t.perClientRequest.requests, 3), fixed(t.perClientRequest.requestBytes, 0), fixed(t.perClientRequest.responseBytes, 0), ...names.map((n) => fixed(per(t.bySubgraph[n]?.requests ?? 0), 3))];
  });
  for (const r of result.trafficRatios ?? []) rows.push([`${r.label}/${r.versus}`, times(r.requests), times(r.requestBytes), times(r.responseBytes)]);
  return `subgraph traffic in the measured window, per client request (HTTP bytes: request/status line, headers, body)\n${table(header, rows)}`;
}

function fixed(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

function times(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return `${value < 0.01 && value > 0 ? value.toFixed(4) : value.toFixed(2)}x`;
}

/** A plain text table: first column left-aligned, numbers right-aligned. */
function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  const line = (row: readonly string[]): string =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), rule, ...rows.map(line)].join('\n');
}

export function writeJsonReport(path: string, report: BenchReport): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
}
