import { createClient, type Client } from 'graphql-ws';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';

/** The demo subscription: a review from reviews, its product from products + inventory, its author from accounts. */
export const REVIEW_ADDED = 'subscription ReviewAdded($upc: ID) { reviewAdded(productUpc: $upc) { id body product { name inStock } author { name } } }';

export interface ReviewEvent {
  readonly data?: { readonly reviewAdded?: { readonly body?: string } | null } | null;
  readonly errors?: unknown;
}

/** One browser tab: a graphql-ws client (its own WebSocket) with one or more subscriptions on it. */
export interface Subscriber {
  readonly client: Client;
  readonly unsubscribes: Array<() => void>;
}

export interface OpenOptions {
  /** ws://…/graphql */
  readonly url: string;
  /** `Bearer …`, sent in connection_init (browsers cannot set WebSocket headers). */
  readonly authorization: string;
  readonly connections: number;
  readonly perConnection: number;
  /** Connections opened at once (each waits for connection_ack before the next batch). */
  readonly batch: number;
  readonly variables: (connection: number, subscription: number) => Record<string, unknown>;
  readonly onEvent?: (connection: number, event: ReviewEvent) => void;
  /** A subscription ended (error or complete) while the benchmark expected it to run. */
  readonly onEnded: (connection: number, why: string) => void;
}

/**
 * Opens `connections` real graphql-ws clients in batches, `perConnection` subscriptions each. Resolves once
 * every socket has its connection_ack (the subscribes are sent by then; whether the gateway accepted them is
 * read from its gauge). No retries: a refused connection is a failed run, not something to paper over.
 */
export async function openSubscribers(options: OpenOptions): Promise<Subscriber[]> {
  const subscribers: Subscriber[] = [];
  for (let start = 0; start < options.connections; start += options.batch) {
    const end = Math.min(options.connections, start + options.batch);
    const acks: Array<Promise<void>> = [];
    for (let i = start; i < end; i++) {
      const { subscriber, connected } = openOne(options, i);
      subscribers.push(subscriber);
      acks.push(connected);
    }
    await Promise.all(acks);
  }
  return subscribers;
}

function openOne(options: OpenOptions, index: number): { subscriber: Subscriber; connected: Promise<void> } {
  const client = createClient({
    url: options.url,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: true,
    connectionParams: { authorization: options.authorization },
  });
  const connected = new Promise<void>((resolve, reject) => {
    const offConnected = client.on('connected', () => {
      offConnected();
      offClosed();
      resolve();
    });
    const offClosed = client.on('closed', (event) => {
      offConnected();
      offClosed();
      const close = event as { code?: number; reason?: string };
      reject(new Error(`connection ${index} closed before connection_ack (${String(close.code)} ${close.reason ?? ''})`));
    });
  });
  const unsubscribes: Array<() => void> = [];
  for (let s = 0; s < options.perConnection; s++) {
    unsubscribes.push(
      client.subscribe<ReviewEvent['data']>(
        { query: REVIEW_ADDED, variables: options.variables(index, s) },
        {
          next: (value) => options.onEvent?.(index, value as ReviewEvent),
          error: (err) => options.onEnded(index, describe(err)),
          complete: () => options.onEnded(index, 'completed'),
        },
      ),
    );
  }
  return { subscriber: { client, unsubscribes }, connected };
}

/** Closes every socket (the gateway sees the clients leave); no subscription's end counts as a failure after this. */
export async function closeSubscribers(subscribers: readonly Subscriber[]): Promise<void> {
  await Promise.all(subscribers.map((s) => s.client.dispose()));
}

/** Sums every sample of a metric in Prometheus text format (all label sets). */
export function metricValue(text: string, name: string): number {
  let sum = 0;
  let seen = false;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || (line[name.length] !== ' ' && line[name.length] !== '{')) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) {
      sum += value;
      seen = true;
    }
  }
  return seen ? sum : 0;
}

export interface SubscriptionGauges {
  readonly active: number;
  readonly upstream: number;
}

export async function readGauges(metricsUrl: string): Promise<SubscriptionGauges> {
  const res = await fetch(metricsUrl, { signal: AbortSignal.timeout(10_000) });
  if (res.status !== 200) throw new Error(`GET ${metricsUrl}: ${res.status}`);
  const text = await res.text();
  return { active: metricValue(text, 'junction_subscriptions_active'), upstream: metricValue(text, 'junction_subscriptions_upstream_active') };
}

/** Polls the gauges until `done` holds (the gateway has accepted or ended what the harness did), or fails. */
export async function waitForGauges(metricsUrl: string, what: string, done: (g: SubscriptionGauges) => boolean, timeoutMs = 120_000): Promise<SubscriptionGauges> {
  const deadline = Date.now() + timeoutMs;
  let last: SubscriptionGauges | undefined;
  for (;;) {
    last = await readGauges(metricsUrl);
    if (done(last)) return last;
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${timeoutMs} ms (active ${last.active}, upstream ${last.upstream})`);
    await sleep(250);
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (Array.isArray(err)) return JSON.stringify(err);
  if (err && typeof err === 'object' && 'code' in err) return `closed ${String((err as { code: unknown }).code)} ${String((err as { reason?: unknown }).reason ?? '')}`;
  return String(err);
}
