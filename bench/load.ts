import { requestHeaders } from './benchAuth';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';

/** One request body and the check of its answers. */
export interface LoadRequest {
  /** The JSON POST body. */
  readonly body: string;
  /**
   * Called with every response body to this request; false counts as a mismatch. Runs in this (the
   * harness) process, so its cost never shows up in the gateway's CPU numbers.
   */
  readonly verify: (body: string) => boolean;
}

export interface LoadOptions {
  /** Full URL of the GraphQL endpoint. */
  readonly url: string;
  /** The bodies to send: most workloads have one; several are dealt out round-robin across the connections. */
  readonly requests: readonly LoadRequest[];
  readonly connections: number;
  /** Seconds of load before the measured window opens. */
  readonly warmupSec: number;
  readonly durationSec: number;
  /** Count the responses carrying this (lower-case) header, e.g. `age` on response-cache hits. */
  readonly countHeader?: string;
  /** Sent with every request besides the usual ones (e.g. If-None-Match). */
  readonly headers?: Readonly<Record<string, string>>;
  /** 304 Not Modified is a correct answer (revalidation): not counted as non-2xx. */
  readonly notModifiedOk?: boolean;
  /** Called synchronously as the measured window opens, e.g. to read the gateway's CPU time. */
  readonly onMeasureStart: () => void;
  /** Called synchronously the moment autocannon has stopped (all its sockets destroyed). */
  readonly onMeasureEnd: () => void;
  /** Stops the run early when it settles (the gateway died: the rest would be connection errors). */
  readonly abortWhen?: Promise<void>;
}

/** Counts for one phase (warm-up or measured window). */
export interface PhaseCounts {
  /** Responses received (any status). */
  readonly completed: number;
  readonly non2xx: number;
  /** Connection errors, including timeouts. */
  readonly errors: number;
  readonly timeouts: number;
  /** Responses that verifyBody rejected. */
  readonly mismatches: number;
  readonly statusCodes: Readonly<Record<string, number>>;
  /** Responses carrying `countHeader` (0 when none was asked for). */
  readonly withHeader: number;
}

export interface LoadResult {
  readonly warmup: PhaseCounts;
  readonly measured: PhaseCounts & {
    /** Wall-clock length of the measured window, in seconds. */
    readonly durationSec: number;
    readonly requestsPerSec: number;
    /** Milliseconds, from each response's own timing (sub-millisecond precision). */
    readonly latencyMs: { readonly p50: number; readonly p99: number; readonly mean: number; readonly max: number };
  };
  /** The first body rejected in the measured window (and which request it answered), to explain a failed run. */
  readonly firstMismatch: { readonly body: string; readonly request: number } | undefined;
}

class Counter {
  constructor(private readonly notModifiedOk: boolean) {}
  completed = 0;
  non2xx = 0;
  errors = 0;
  timeouts = 0;
  mismatches = 0;
  withHeader = 0;
  readonly statusCodes: Record<string, number> = {};

  response(status: number): void {
    this.completed++;
    if ((status < 200 || status > 299) && !(status === 304 && this.notModifiedOk)) this.non2xx++;
    this.statusCodes[status] = (this.statusCodes[status] ?? 0) + 1;
  }

  snapshot(): PhaseCounts {
    const { completed, non2xx, errors, timeouts, mismatches, statusCodes, withHeader } = this;
    return { completed, non2xx, errors, timeouts, mismatches, statusCodes, withHeader };
  }
}

/**
 * One continuous closed-loop autocannon run (each connection sends its next request when the
 * previous one answers) of warm-up + measured seconds, with the measured window opened by a mark.
 *
 * Why one run instead of a warm-up run then a measured run: stopping autocannon abandons the
 * requests in flight, so a separate measured run would start with an idle gateway but end with up
 * to `connections` half-done requests, whose CPU would be charged to the completed ones. Here both
 * edges of the window cut through the same steady state, and those partial requests cancel out.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const warmup = new Counter(options.notModifiedOk === true);
  const measured = new Counter(options.notModifiedOk === true);
  let phase: Counter = options.warmupSec > 0 ? warmup : measured;
  const latencies: number[] = [];
  let firstMismatch: LoadResult['firstMismatch'];
  let markedAt = performance.now();
  let endedAt = markedAt;

  // The callback form returns the event emitter (the promise form does not), which we need for
  // per-response events.
  let finish!: () => void;
  let fail!: (error: unknown) => void;
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const [only] = options.requests;
  if (!only) throw new Error('runLoad needs at least one request');
  const wanted = options.countHeader?.toLowerCase();
  // autocannon concatenates body chunks into a string; the types also allow Buffer/undefined.
  const text = (body: unknown): string => (typeof body === 'string' ? body : String(body ?? ''));
  const check = (index: number, body: unknown, headers: object | undefined): void => {
    if (wanted !== undefined && Object.keys(headers ?? {}).some((name) => name.toLowerCase() === wanted)) phase.withHeader++;
    if ((options.requests[index] ?? only).verify(text(body))) return;
    phase.mismatches++;
    if (phase === measured) firstMismatch ??= { body: text(body), request: index };
  };
  // One body and no header to count: autocannon's own verifyBody, the lightest path for the load generator.
  // Otherwise onResponse, which sees the headers. Several bodies are dealt out round-robin across all
  // connections (not each connection cycling from the first), so at any moment, and in any window, every
  // operation has its share whatever the gateway's speed; each connection's context remembers which
  // body it sent (one request in flight per connection), to check the answer against that body's.
  let dealt = 0;
  const perRequest =
    options.requests.length === 1 && wanted === undefined
      ? { body: only.body, verifyBody: (body: unknown) => only.verify(text(body)) }
      : options.requests.length === 1
        ? { body: only.body, requests: [{ onResponse: (_status: number, body: string, _context: object, headers: object | undefined) => check(0, body, headers) }] }
        : {
            requests: [
              {
                setupRequest: (request: autocannon.Request, context: object) => {
                  const index = dealt++ % options.requests.length;
                  (context as { sent?: number }).sent = index;
                  return { ...request, body: options.requests[index]?.body ?? only.body };
                },
                onResponse: (_status: number, body: string, context: object, headers: object | undefined) => check((context as { sent?: number }).sent ?? 0, body, headers),
              },
            ],
          };
  const instance = autocannon(
    {
      url: options.url,
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...requestHeaders, ...options.headers },
      ...perRequest,
      connections: options.connections,
      pipelining: 1,
      duration: options.warmupSec + options.durationSec,
      // Aggregates span warm-up too; we count per phase from events instead.
      skipAggregateResult: true,
    },
    (error: unknown) => {
      // autocannon destroys its sockets before calling back: nothing more can complete.
      endedAt = performance.now();
      if (!error) options.onMeasureEnd();
      if (error) fail(error);
      else finish();
    },
  );

  const warmupTimer =
    options.warmupSec > 0
      ? setTimeout(() => {
          // The harness is busy driving load, so the timer may fire a little late; the
          // window is measured from when it actually opened.
          phase = measured;
          markedAt = performance.now();
          options.onMeasureStart();
        }, options.warmupSec * 1_000)
      : undefined;
  if (!warmupTimer) options.onMeasureStart();

  void options.abortWhen?.then(() => instance.stop());

  instance.on('response', (_client, status, _bytes, responseTime) => {
    phase.response(status);
    // autocannon's histogram keeps whole milliseconds, too coarse for the small query (~1 ms);
    // the per-response time it emits is a float.
    if (phase === measured) latencies.push(responseTime);
  });
  instance.on('reqError', (error: unknown) => {
    phase.errors++;
    if (error instanceof Error && /timed out/i.test(error.message)) phase.timeouts++;
  });
  // Not in @types/autocannon, but emitted by autocannon 9 for every verifyBody failure
  // (right after the 'response' event of the same request, so in the same phase).
  (instance as unknown as NodeJS.EventEmitter).on('reqMismatch', (body: unknown) => {
    phase.mismatches++;
    if (phase === measured) firstMismatch ??= { body: String(body), request: 0 };
  });

  try {
    await done;
  } finally {
    clearTimeout(warmupTimer);
  }

  latencies.sort((a, b) => a - b);
  const durationSec = (endedAt - markedAt) / 1_000;
  return {
    warmup: warmup.snapshot(),
    measured: {
      ...measured.snapshot(),
      durationSec,
      requestsPerSec: durationSec > 0 ? measured.completed / durationSec : 0,
      latencyMs: {
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        mean: latencies.length > 0 ? latencies.reduce((sum, v) => sum + v, 0) / latencies.length : 0,
        max: latencies.at(-1) ?? 0,
      },
    },
    firstMismatch,
  };
}

/** Nearest-rank percentile of an ascending array (0 when empty). */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? 0;
}

export interface GraphQLReply {
  readonly status: number;
  readonly text: string;
  /** The answer's ETag header, when it has one. */
  readonly etag: string | undefined;
  /** The parsed body, or undefined when it is not JSON. */
  readonly json: unknown;
}

/** One request outside the load run: readiness, correctness and the post-run check. */
export async function postGraphQL(url: string, body: string, timeoutMs = 10_000): Promise<GraphQLReply> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...requestHeaders },
    body,
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, text, etag: response.headers.get('etag') ?? undefined, json };
}
