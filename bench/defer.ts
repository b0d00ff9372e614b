import { performance } from 'node:perf_hooks';

/** The `@defer` run's queries: the slow field (inventory's shippingEstimate, delayed) deferred, and not. */
export const DEFER_QUERY = '{ topProducts { name price ... @defer { shippingEstimate } } }';
export const WHOLE_QUERY = '{ topProducts { name price shippingEstimate } }';
const DEFER_ACCEPT = 'multipart/mixed;deferSpec=20220824,application/json';
/** Each part ends with this delimiter (boundary "-"); the body also opens with it. */
const DELIMITER = '\r\n---';

interface Percentiles {
  readonly p50: number;
  readonly p99: number;
}

export interface DeferResult {
  /** Sequential requests of each kind. */
  readonly requests: number;
  /** The inventory delay the subgraphs ran with (ms). */
  readonly shippingDelayMs: number;
  /** With @defer over multipart: until the primary part (everything but shippingEstimate) has arrived. */
  readonly deferFirstPartMs: Percentiles;
  /** With @defer over multipart: until the last part (hasNext: false) has arrived. */
  readonly deferFullMs: Percentiles;
  /** Without @defer (one JSON answer): until the whole answer has arrived. */
  readonly wholeMs: Percentiles;
}

/** One multipart @defer request: when the first part was complete, when the response ended, and the parts. */
async function timedDefer(url: string): Promise<{ firstMs: number; fullMs: number; parts: unknown[] }> {
  const started = performance.now();
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: DEFER_ACCEPT }, body: JSON.stringify({ query: DEFER_QUERY }) });
  if (res.status !== 200 || !res.headers.get('content-type')?.startsWith('multipart/mixed') || !res.body) {
    throw new Error(`@defer request: HTTP ${res.status} ${res.headers.get('content-type')}: ${(await res.text()).slice(0, 200)}`);
  }
  const decoder = new TextDecoder();
  let text = '';
  let firstMs: number | undefined;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    text += decoder.decode(chunk, { stream: true });
    // The opening delimiter, then the one that ends the primary part: the client can render it now.
    if (firstMs === undefined && text.split(DELIMITER).length > 2) firstMs = performance.now() - started;
  }
  const fullMs = performance.now() - started;
  const parts = text
    .split(DELIMITER)
    .map((p) => p.slice(p.indexOf('{')))
    .filter((p) => p.startsWith('{'))
    .map((p) => JSON.parse(p.slice(0, p.lastIndexOf('}') + 1)) as unknown);
  return { firstMs: firstMs ?? fullMs, fullMs, parts };
}

async function timedWhole(url: string): Promise<{ ms: number; body: { data?: { topProducts?: unknown[] }; errors?: unknown } }> {
  const started = performance.now();
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: WHOLE_QUERY }) });
  const body = (await res.json()) as { data?: { topProducts?: unknown[] }; errors?: unknown };
  if (res.status !== 200 || body.errors) throw new Error(`whole request: HTTP ${res.status}: ${JSON.stringify(body).slice(0, 200)}`);
  return { ms: performance.now() - started, body };
}

/** A deferred answer must be what a client can use: a primary part with the names, then the estimates, last hasNext false. */
function checkParts(parts: unknown[]): void {
  const [primary, ...rest] = parts as Array<{ data?: { topProducts?: Array<Record<string, unknown>> }; hasNext?: boolean; incremental?: Array<{ data?: Record<string, unknown> }> }>;
  const products = primary?.data?.topProducts;
  const ok =
    primary?.hasNext === true &&
    Array.isArray(products) &&
    products.length > 0 &&
    products.every((p) => typeof p.name === 'string' && !('shippingEstimate' in p)) &&
    rest.at(-1)?.hasNext === false &&
    rest.flatMap((p) => p.incremental ?? []).length === products.length &&
    rest.flatMap((p) => p.incremental ?? []).every((i) => i.data !== undefined && 'shippingEstimate' in i.data);
  if (!ok) throw new Error(`@defer answer is not as expected: ${JSON.stringify(parts).slice(0, 400)}`);
}

function percentiles(samples: number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
  return { p50: at(0.5), p99: at(0.99) };
}

/**
 * `requests` sequential requests of each kind, after a few unmeasured ones (plans cached, connections open):
 * what a user waits for before seeing the page with and without @defer, and until the slow field arrives.
 */
export async function runDefer(url: string, requests: number, shippingDelayMs: number): Promise<DeferResult> {
  for (let i = 0; i < 3; i++) {
    checkParts((await timedDefer(url)).parts);
    await timedWhole(url);
  }
  const first: number[] = [];
  const full: number[] = [];
  const whole: number[] = [];
  for (let i = 0; i < requests; i++) {
    const deferred = await timedDefer(url);
    checkParts(deferred.parts);
    first.push(deferred.firstMs);
    full.push(deferred.fullMs);
    whole.push((await timedWhole(url)).ms);
  }
  return { requests, shippingDelayMs, deferFirstPartMs: percentiles(first), deferFullMs: percentiles(full), wholeMs: percentiles(whole) };
}

export function formatDefer(result: DeferResult): string {
  const row = (label: string, p: Percentiles) => `  ${label.padEnd(34)} ${p.p50.toFixed(1).padStart(8)} ${p.p99.toFixed(1).padStart(8)}`;
  return [
    `@defer: ${result.requests} sequential requests each, inventory shippingEstimate delayed ${result.shippingDelayMs} ms (Junction only; ms)`,
    `  ${''.padEnd(34)} ${'p50'.padStart(8)} ${'p99'.padStart(8)}`,
    row('with @defer: first part', result.deferFirstPartMs),
    row('with @defer: full answer', result.deferFullMs),
    row('without @defer: full answer', result.wholeMs),
  ].join('\n');
}
