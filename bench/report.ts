import type { DistinctResult } from './distinct';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export type GatewayId = 'stock' | 'junction';

/** One gateway under one workload: what the table shows, plus the raw counts behind it. */
export interface GatewayMeasurement {
  readonly gateway: GatewayId;
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
  /** Size of JSON.stringify(data), identical for both gateways (checked before measuring). */
  readonly responseDataBytes: number;
  readonly gateways: readonly GatewayMeasurement[];
  readonly ratios: Ratios | undefined;
}

export interface BenchReport {
  readonly generatedAt: string;
  /** Resident memory while 10,000 distinct operations stream through each gateway. */
  readonly distinct?: ReadonlyArray<{ readonly gateway: string; readonly result: DistinctResult }>;
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
    g.gateway,
    g.requestsPerSec.toFixed(1),
    g.latencyMs.p50.toFixed(2),
    g.latencyMs.p99.toFixed(2),
    g.cpuMsPerRequest.toFixed(3),
    g.peakRssMiB.toFixed(1),
    String(g.requests),
    Number.isFinite(g.subgraphCpuMsPerRequest) ? g.subgraphCpuMsPerRequest.toFixed(3) : 'n/a',
  ]);
  if (result.ratios) {
    const r = result.ratios;
    rows.push(['junction/stock', times(r.requestsPerSec), times(r.latencyP50), times(r.latencyP99), times(r.cpuMsPerRequest), times(r.peakRssMiB), '', '']);
  }
  const bytes = result.responseDataBytes;
  const size = bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`;
  const title = `${result.workload}: ${result.description} (response data ${size})`;
  return `${title}\n${table(header, rows)}`;
}

function times(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}x` : 'n/a';
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
