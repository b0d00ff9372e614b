import { requestHeaders } from './benchAuth';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';

export interface LoadOptions {
  /** Full URL of the GraphQL endpoint. */
  readonly url: string;
  /** The JSON POST body, identical for every request. */
  readonly body: string;
  readonly connections: number;
  /** Seconds of load before the measured window opens. */
  readonly warmupSec: number;
  readonly durationSec: number;
  /**
   * Called with every response body; false counts as a mismatch. Runs in this (the harness)
   * process, so its cost never shows up in the gateway's CPU numbers.
   */
  readonly verifyBody: (body: string) => boolean;
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
  /** The first body verifyBody rejected in the measured window, to explain a failed run. */
  readonly firstMismatch: string | undefined;
}

class Counter {
  completed = 0;
  non2xx = 0;
  errors = 0;
  timeouts = 0;
  mismatches = 0;
  readonly statusCodes: Record<string, number> = {};

  response(status: number): void {
    this.completed++;
    if (status < 200 || status > 299) this.non2xx++;
    this.statusCodes[status] = (this.statusCodes[status] ?? 0) + 1;
  }

  snapshot(): PhaseCounts {
    const { completed, non2xx, errors, timeouts, mismatches, statusCodes } = this;
    return { completed, non2xx, errors, timeouts, mismatches, statusCodes };
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
  const warmup = new Counter();
  const measured = new Counter();
  let phase: Counter = options.warmupSec > 0 ? warmup : measured;
  const latencies: number[] = [];
  let firstMismatch: string | undefined;
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
  const instance = autocannon(
    {
      url: options.url,
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...requestHeaders },
      body: options.body,
      connections: options.connections,
      pipelining: 1,
      duration: options.warmupSec + options.durationSec,
      // autocannon concatenates body chunks into a string; the type also allows Buffer/undefined.
      verifyBody: (body) => options.verifyBody(typeof body === 'string' ? body : String(body ?? '')),
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
    if (phase === measured) firstMismatch ??= String(body);
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
  return { status: response.status, text, json };
}
