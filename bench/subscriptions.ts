import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { childEnv, freePort, spawnNode, startSubgraphsProcess, waitUntilReady, type SubgraphEndpoint } from './processes';
import { measureFanout, measureIdle, type FanoutResult, type IdleResult, type SubscriptionTarget } from './subscriptionRuns';

const HOST = '127.0.0.1';

export interface SubscriptionsResult {
  readonly gateway: 'junction';
  /** Why stock is not in this table. */
  readonly stock: string;
  readonly idle: IdleResult;
  readonly fanout: FanoutResult;
}

export const STOCK_NOTE = 'stock @apollo/gateway has no subscriptions: Junction only';

export interface SubscriptionsBenchOptions {
  readonly quick: boolean;
  readonly subgraphsScript: string;
  readonly junctionCli: string;
  /** The bench's gateway.yaml (auth + access log off); the subscription bounds are added to a copy. */
  readonly baseConfig: string;
  readonly tempDir: string;
  /** `Bearer …` signed with the secret baseConfig trusts. */
  readonly authorization: string;
  readonly compose: (subgraphs: readonly SubgraphEndpoint[]) => Promise<string>;
  readonly clockTicks: number;
  /** Where Junction's CPU profile goes (node --cpu-prof); undefined: not profiled. */
  readonly cpuProfDir: string | undefined;
  readonly progress: (line: string) => void;
}

/** Full size, and what `--quick` scales it down to. */
const SIZES = {
  full: { idle: 10_000, subscribers: 1_000, events: 50 },
  quick: { idle: 2_000, subscribers: 200, events: 20 },
} as const;
const BATCH = 200;
const EVENT_INTERVAL_MS = 100;

/**
 * Subscriptions over WebSocket through Junction: idle memory per subscription and fan-out latency. Its own
 * subgraphs process with the memo off (upgrades must reach the real reviews subgraph) and an identity secret
 * shared with Junction, so the reviews subgraph takes `createReview` from the bench's signed-in user.
 */
export async function runSubscriptionsBench(options: SubscriptionsBenchOptions): Promise<SubscriptionsResult> {
  const size = options.quick ? SIZES.quick : SIZES.full;
  const identitySecret = randomBytes(32).toString('hex');
  options.progress('subscriptions: starting real subgraphs (memo off)…');
  const { child: subgraphs, subgraphs: endpoints } = await startSubgraphsProcess(
    options.subgraphsScript,
    childEnv({ NODE_ENV: 'production', BENCH_SUBGRAPH_MEMO: '0', JUNCTION_IDENTITY_SECRET: identitySecret }),
  );
  try {
    const supergraphFile = join(options.tempDir, 'supergraph.subscriptions.graphql');
    writeFileSync(supergraphFile, await options.compose(endpoints));
    const [port, metricsPort] = [await freePort(HOST), await freePort(HOST)];
    const configFile = join(options.tempDir, 'gateway.subscriptions.yaml');
    // One client (the harness, one principal on 127.0.0.1) holds every subscription: the per-client and
    // per-process bounds are raised above the run's size; the defaults protect real deployments from exactly this.
    // Merged, not appended: the bench's file has a `metrics` section of its own (a repeated key is refused).
    const config = (parseYaml(readFileSync(options.baseConfig, 'utf8')) ?? {}) as Record<string, Record<string, unknown>>;
    config.subscriptions = { ...config.subscriptions, maxConnections: 20000, maxPerConnection: 100, maxPerClient: 50000, subscribeRatePerSec: 100000 };
    config.metrics = { ...config.metrics, host: HOST, port: metricsPort };
    writeFileSync(configFile, stringifyYaml(config));
    const profile = options.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProfDir, '--cpu-prof-name', 'subscriptions.junction.cpuprofile'] : [];
    const junction = spawnNode(
      'junction (subscriptions)',
      options.junctionCli,
      ['serve', '--supergraph', supergraphFile, '--port', String(port), '--host', HOST, '--config', configFile],
      childEnv({ NODE_ENV: 'production', LOG_LEVEL: 'warn', JUNCTION_IDENTITY_SECRET: identitySecret }),
      profile,
    );
    try {
      await waitUntilReady(junction, async () => (await fetch(`http://${HOST}:${port}/health`, { signal: AbortSignal.timeout(1_000) })).status === 200);
      options.progress(`  junction: ready (pid ${junction.pid}, port ${port}, metrics ${metricsPort})`);
      const target: SubscriptionTarget = {
        graphqlUrl: `http://${HOST}:${port}/graphql`,
        wsUrl: `ws://${HOST}:${port}/graphql`,
        metricsUrl: `http://${HOST}:${metricsPort}/metrics`,
        pid: junction.pid,
        authorization: options.authorization,
        clockTicks: options.clockTicks,
        progress: options.progress,
      };
      const alive = <T>(result: T): T => {
        if (!junction.running) throw new Error(junction.describeFailure());
        return result;
      };
      const idle = alive(await measureIdle(target, size.idle, BATCH));
      options.progress(`  fan-out: ${size.subscribers} subscribers, ${size.events} events`);
      const fanout = alive(await measureFanout(target, size.subscribers, size.events, EVENT_INTERVAL_MS, BATCH));
      return { gateway: 'junction', stock: STOCK_NOTE, idle, fanout };
    } finally {
      await junction.stop();
    }
  } finally {
    await subgraphs.stop();
  }
}

export function formatSubscriptions(result: SubscriptionsResult): string {
  const { idle, fanout } = result;
  const ms = (n: number): string => n.toFixed(1);
  return [
    `subscriptions over WebSocket (graphql-ws) — ${result.stock}`,
    `  idle: ${idle.subscriptions} subscriptions on ${idle.connections} connections (1 each; ${idle.products} products → ≤ ${idle.products} upstreams), opened ${BATCH} at a time in ${idle.openSec.toFixed(1)} s`,
    `    gateway RSS ${ms(idle.rssBeforeMiB)} → ${ms(idle.rssHalfMiB)} (half open) → ${ms(idle.rssAfterMiB)} MiB: ${idle.kibPerSubscription.toFixed(1)} KiB per idle subscription overall, ${idle.marginalKibPerSubscription.toFixed(1)} KiB for each of the second half (target ≤ 16)`,
    `    gauges while open: ${idle.whileActive.active} active, ${idle.whileActive.upstream} upstream; after closing all (${idle.closeSec.toFixed(1)} s): ${idle.afterClose.active} active, ${idle.afterClose.upstream} upstream`,
    `  fan-out: ${fanout.subscribers} subscribers (${fanout.connections} connections × ${fanout.perConnection}) to one reviewAdded (${fanout.gauges.upstream} upstream), ${fanout.events} createReview mutations ${fanout.intervalMs} ms apart`,
    `    ${fanout.deliveries} deliveries, every client got every event exactly once`,
    `    latency ms (mutation sent → client received): p50 ${ms(fanout.latencyMs.p50)}  p99 ${ms(fanout.latencyMs.p99)}  max ${ms(fanout.latencyMs.max)} (target p99 < 100)`,
    `    last client per event ms: p50 ${ms(fanout.lastClientMs.p50)}  p99 ${ms(fanout.lastClientMs.p99)}  max ${ms(fanout.lastClientMs.max)}; first event ${ms(fanout.lastClientMsByEvent[0] ?? Number.NaN)}, last ${ms(fanout.lastClientMsByEvent.at(-1) ?? Number.NaN)}`,
    `    gateway CPU: ${fanout.cpuMsPerEvent.toFixed(2)} ms per event (mutation included) = ${fanout.cpuUsPerDelivery.toFixed(1)} µs per delivery; the harness's clients: ${fanout.harnessCpuMsPerEvent.toFixed(2)} ms per event`,
  ].join('\n');
}
