import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { residentMiB } from './distinct';
import { readCpuTicks } from './procStats';
import { closeSubscribers, openSubscribers, waitForGauges, type ReviewEvent, type SubscriptionGauges } from './subscriptionClients';

/** Where the measured gateway is, and how the harness signs in. */
export interface SubscriptionTarget {
  /** http://…/graphql (mutations) */
  readonly graphqlUrl: string;
  /** ws://…/graphql */
  readonly wsUrl: string;
  readonly metricsUrl: string;
  readonly pid: number;
  readonly authorization: string;
  readonly clockTicks: number;
  readonly progress: (line: string) => void;
}

export interface IdleResult {
  readonly subscriptions: number;
  readonly connections: number;
  /** Distinct productUpc values: identical subscriptions share an upstream, so at most this many upstreams. */
  readonly products: number;
  readonly openSec: number;
  /** VmRSS after the warm-up (subscriptions opened and closed; GC not forced) and once all are active and settled. */
  readonly rssBeforeMiB: number;
  readonly rssAfterMiB: number;
  readonly kibPerSubscription: number;
  /** VmRSS with half of them open, and what each of the second half added. */
  readonly rssHalfMiB: number;
  readonly marginalKibPerSubscription: number;
  /** Junction's gauges with everything open, and after every client left. */
  readonly whileActive: SubscriptionGauges;
  readonly afterClose: SubscriptionGauges;
  readonly closeSec: number;
}

const PRODUCTS = 50;
const upcOf = (i: number): string => String(1 + (i % PRODUCTS));

/**
 * Idle subscriptions (one per connection, like browser tabs): what each costs in the gateway's resident memory
 * while no event flows. Connections open `batch` at a time; the gateway's own gauges prove they are active.
 */
export async function measureIdle(target: SubscriptionTarget, count: number, batch: number): Promise<IdleResult> {
  // Each phase has its own list: clients the harness closed on purpose end their subscriptions too.
  const open = (connections: number, sink: string[]) =>
    openSubscribers({ url: target.wsUrl, authorization: target.authorization, connections, perConnection: 1, batch, variables: (i) => ({ upc: upcOf(i) }), onEnded: (i, why) => void sink.push(`connection ${i}: ${why}`) });
  const failures: string[] = [];
  const assertNoFailures = (): void => {
    if (failures.length > 0) throw new Error(`${failures.length} subscriptions ended early, e.g. ${failures.slice(0, 3).join('; ')}`);
  };

  // Warm-up: the code paths, the plan cache and the upstream connections exist once before the baseline.
  const warm = await open(PRODUCTS, []);
  await waitForGauges(target.metricsUrl, 'warm-up subscriptions active', (g) => g.active === PRODUCTS);
  await closeSubscribers(warm);
  await waitForGauges(target.metricsUrl, 'warm-up subscriptions closed', (g) => g.active === 0 && g.upstream === 0);
  const rssBeforeMiB = await settledRss(target.pid);

  target.progress(`  opening ${count} WebSocket subscriptions, ${batch} at a time…`);
  const started = performance.now();
  // In two halves: the second half's cost is the marginal one (the first also pays for growth of the heap's
  // young generation and other one-time costs that do not scale with subscriptions).
  const half = Math.floor(count / 2);
  const first = await open(half, failures);
  await waitForGauges(target.metricsUrl, `${half} subscriptions active`, (g) => g.active >= half || failures.length > 0);
  assertNoFailures();
  const rssHalfMiB = await settledRss(target.pid);
  const second = await open(count - half, failures);
  const whileActive = await waitForGauges(target.metricsUrl, `${count} subscriptions active`, (g) => g.active >= count || failures.length > 0);
  const openSec = (performance.now() - started) / 1000;
  assertNoFailures();
  if (whileActive.active !== count) throw new Error(`the gateway counts ${whileActive.active} active subscriptions, expected ${count}`);
  const rssAfterMiB = await settledRss(target.pid);
  assertNoFailures();

  const closing = performance.now();
  await closeSubscribers(first);
  await closeSubscribers(second);
  const afterClose = await waitForGauges(target.metricsUrl, 'every subscription closed', (g) => g.active === 0 && g.upstream === 0);
  return {
    subscriptions: count,
    connections: count,
    products: Math.min(PRODUCTS, count),
    openSec,
    rssBeforeMiB,
    rssAfterMiB,
    kibPerSubscription: ((rssAfterMiB - rssBeforeMiB) * 1024) / count,
    rssHalfMiB,
    marginalKibPerSubscription: ((rssAfterMiB - rssHalfMiB) * 1024) / (count - half),
    whileActive,
    afterClose,
    closeSec: (performance.now() - closing) / 1000,
  };
}

/** VmRSS once it stops moving (two readings a second apart within 0.5 MiB), at most ~10 s. */
async function settledRss(pid: number): Promise<number> {
  let previous = residentMiB(pid);
  for (let i = 0; i < 10; i++) {
    await sleep(1_000);
    const now = residentMiB(pid);
    if (Math.abs(now - previous) < 0.5) return now;
    previous = now;
  }
  return previous;
}

export interface FanoutResult {
  readonly subscribers: number;
  readonly connections: number;
  readonly perConnection: number;
  readonly events: number;
  readonly intervalMs: number;
  /** events × subscribers, each checked to arrive exactly once. */
  readonly deliveries: number;
  readonly gauges: SubscriptionGauges;
  /** Receipt at the client − just before the harness sent the mutation that caused the event. */
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly max: number };
  /** Per event, the latency of the last client to get it. */
  readonly lastClientMs: { readonly p50: number; readonly p99: number; readonly max: number };
  /** The same per event, in sending order: growing along the run means the machine cannot keep up (a backlog). */
  readonly lastClientMsByEvent: readonly number[];
  /** Gateway CPU from the first mutation until the last delivery (mutations included). */
  readonly cpuMsTotal: number;
  readonly cpuMsPerEvent: number;
  readonly cpuUsPerDelivery: number;
  /** The harness's own CPU in the same window (its 1000 graphql-ws clients share the machine's cores). */
  readonly harnessCpuMsPerEvent: number;
}

/**
 * Fan-out: `subscribers` identical subscriptions (one upstream), then `events` reviews posted through the
 * gateway one every `intervalMs`; every client must get every event exactly once.
 */
export async function measureFanout(target: SubscriptionTarget, subscribers: number, events: number, intervalMs: number, batch: number): Promise<FanoutResult> {
  const run = `${process.pid}-${Date.now()}`;
  const bodyIndex = new Map<string, number>();
  for (let e = 0; e < events; e++) bodyIndex.set(`bench ${run} event ${e}`, e);
  const sentAt = new Float64Array(events);
  const counts = new Uint16Array(events * subscribers);
  const latencies = new Float64Array(events * subscribers);
  const lastAt = new Float64Array(events);
  let received = 0;
  const problems: string[] = [];

  const warmPrefix = `bench ${run} warm-up `;
  let warmReceived = 0;
  const onEvent = (connection: number, event: ReviewEvent): void => {
    const now = performance.now();
    const body = event.data?.reviewAdded?.body;
    if (body?.startsWith(warmPrefix)) return void warmReceived++;
    const e = body === undefined ? undefined : bodyIndex.get(body);
    if (event.errors !== undefined || e === undefined) return void problems.push(`connection ${connection}: unexpected event ${JSON.stringify(event).slice(0, 300)}`);
    const slot = e * subscribers + connection;
    if (++(counts[slot] as number) === 1) latencies[slot] = now - (sentAt[e] as number);
    lastAt[e] = Math.max(lastAt[e] as number, now);
    received++;
  };
  const clients = await openSubscribers({
    url: target.wsUrl,
    authorization: target.authorization,
    connections: subscribers,
    perConnection: 1,
    batch: Math.min(batch, subscribers),
    variables: () => ({ upc: '1' }),
    onEvent,
    onEnded: (connection, why) => void problems.push(`connection ${connection} ended: ${why}`),
  });
  try {
    const gauges = await waitForGauges(target.metricsUrl, `${subscribers} subscribers active`, (g) => g.active >= subscribers || problems.length > 0);
    if (problems.length > 0) throw new Error(problems.slice(0, 3).join('; '));
    if (gauges.upstream !== 1) throw new Error(`identical subscriptions should share one upstream; the gateway has ${gauges.upstream}`);

    // Warm-up events, not measured: connections to every subgraph the event's plan fetches from, and the code
    // paths of delivery, exist before the first measured event (as the other workloads warm up too).
    for (let w = 0; w < WARM_EVENTS; w++) await postReview(target, `${warmPrefix}${w}`);
    const warmDeadline = performance.now() + 30_000;
    while (warmReceived < WARM_EVENTS * subscribers && problems.length === 0 && performance.now() < warmDeadline) await sleep(20);
    if (warmReceived < WARM_EVENTS * subscribers) throw new Error(`warm-up: ${warmReceived} of ${WARM_EVENTS * subscribers} deliveries arrived`);
    await sleep(500);
    target.progress(`  ${subscribers} subscribers active; posting ${events} reviews, one every ${intervalMs} ms…`);
    const cpuBefore = readCpuTicks(target.pid);
    const harnessBefore = process.cpuUsage();
    const start = performance.now();
    const mutations: Array<Promise<void>> = [];
    for (const [body, e] of bodyIndex) {
      const wait = start + e * intervalMs - performance.now();
      if (wait > 0) await sleep(wait);
      sentAt[e] = performance.now();
      mutations.push(postReview(target, body));
    }
    await Promise.all(mutations);
    const expected = events * subscribers;
    const deadline = performance.now() + 30_000;
    while (received < expected && problems.length === 0 && performance.now() < deadline) await sleep(20);
    const cpuAfter = readCpuTicks(target.pid);
    const harness = process.cpuUsage(harnessBefore);
    // Late duplicates would arrive right after the last expected event: give them a moment to show up.
    await sleep(500);

    if (problems.length > 0) throw new Error(`fan-out: ${problems.length} problems, e.g. ${problems.slice(0, 3).join('; ')}`);
    const missing = counts.reduce((n, c) => n + (c === 0 ? 1 : 0), 0);
    const duplicated = counts.reduce((n, c) => n + (c > 1 ? 1 : 0), 0);
    if (missing > 0 || duplicated > 0) throw new Error(`fan-out: of ${expected} deliveries, ${missing} never arrived and ${duplicated} arrived more than once`);

    const cpuMsTotal = ((cpuAfter - cpuBefore) * 1_000) / target.clockTicks;
    return {
      subscribers,
      connections: subscribers,
      perConnection: 1,
      events,
      intervalMs,
      deliveries: expected,
      gauges,
      latencyMs: summary(latencies),
      lastClientMs: summary(lastAt.map((at, e) => at - (sentAt[e] as number))),
      lastClientMsByEvent: Array.from(lastAt, (at, e) => Math.round((at - (sentAt[e] as number)) * 10) / 10),
      cpuMsTotal,
      cpuMsPerEvent: cpuMsTotal / events,
      cpuUsPerDelivery: (cpuMsTotal * 1_000) / expected,
      harnessCpuMsPerEvent: (harness.user + harness.system) / 1_000 / events,
    };
  } finally {
    await closeSubscribers(clients);
  }
}

/** Events sent (and delivered to every subscriber) before the measured ones. */
const WARM_EVENTS = 3;

/** createReview through the gateway as the bench's signed-in user; any error fails the run. */
async function postReview(target: SubscriptionTarget, body: string): Promise<void> {
  const res = await fetch(target.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: target.authorization },
    body: JSON.stringify({ query: 'mutation Post($input: CreateReviewInput!) { createReview(input: $input) { id } }', variables: { input: { productUpc: '1', body } } }),
  });
  const text = await res.text();
  if (res.status !== 200 || text.includes('"errors"')) throw new Error(`createReview through the gateway: ${res.status} ${text.slice(0, 300)}`);
}

function summary(values: Float64Array): { p50: number; p99: number; max: number } {
  const sorted = Float64Array.from(values).sort();
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
  return { p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? Number.NaN };
}
