// Over 300 lines on purpose: one concern — one subgraph's HTTP exchange (pool, deadline, retries, breaker,
// in-flight dedup, tracing), each a few lines around the same send loop.
import { Pool } from 'undici';
import { parseCacheControl, UNCACHEABLE, type CacheHint } from '../cache/cacheHint';
import { CircuitBreaker, type CircuitState } from '../traffic/circuitBreaker';
import { RetryBudget } from '../traffic/retryBudget';
import type { SubgraphSettings } from '../config';
import type { ErrorCode } from '../errors';
import { tracer, type TraceSpan } from '../observability/tracing';
import { transportCause, type SubgraphFailureReporter } from './subgraphFailureLog';

/** One subgraph's settings (gateway.yaml `subgraphs`, resolved), and what the client reports to. */
export type SubgraphClientOptions = SubgraphSettings & {
  /** The response header carrying cache tags (gateway.yaml `cache.tagHeader`), lower-case. */
  cacheTagHeader?: string | undefined;
  /** Told about every fetch (metrics: observability/metrics.ts). */
  observer?: SubgraphObserver | undefined;
  /** Told why each failed fetch failed (the operator's log: subgraphFailureLog.ts). */
  failures?: SubgraphFailureReporter | undefined;
};

/** What a fetch came to: an answer (`ok`), or `error` (HTTP ≥ 500, not a JSON object, too large, unreachable). */
export type FetchOutcome = 'ok' | 'error' | 'timeout' | 'circuit_open';

export interface SubgraphObserver {
  /** One fetch, its retries included. */
  subgraphExchange(subgraph: string, outcome: FetchOutcome, seconds: number): void;
  subgraphRetry(subgraph: string): void;
  subgraphDeduplicated(subgraph: string): void;
}

/** How one fetch may be treated. */
export interface SendOptions {
  /** A query fetch: it may be retried and shared with identical ones in flight. Mutations never are. */
  idempotent: boolean;
  /** When the client request's subgraph work must end (ms since the epoch): no fetch waits past it. */
  deadline?: number | undefined;
  /** Tracing on: the span (the request's `graphql.execute`) this fetch's `subgraph.fetch` span goes under. */
  trace?: TraceSpan | undefined;
  /** The fetch's own `subgraph.fetch` span, set by the client itself (it counts the attempts). */
  fetchSpan?: TraceSpan | undefined;
  /**
   * What makes two fetches the same request (operation, variables and SubgraphRequests.vary); without it, the
   * body and every header are compared.
   */
  key?: string | undefined;
}

const NOT_IDEMPOTENT: SendOptions = { idempotent: false };

/** What one HTTP exchange with the subgraph gave: an answer, or a failure standing for the whole fetch. */
type Exchange =
  | { answer: true; status: number; text: string; hint: CacheHint; retryAfterMs: number | undefined }
  | { answer: false; code: 'SUBGRAPH_UNAVAILABLE' | 'SUBGRAPH_RESPONSE_TOO_LARGE' | 'GATEWAY_TIMEOUT'; circuitOpen?: boolean; cause?: string };

/** Answers worth another attempt: the subgraph was unreachable, shedding load, or its proxy failed. */
const RETRY_STATUSES = new Set([429, 502, 503, 504]);

export interface SubgraphRequest {
  query: string;
  operationName?: string | undefined;
  variables?: Record<string, unknown> | undefined;
  extensions?: Record<string, unknown> | undefined;
}

/** What the executor receives: a GraphQL response, or a coded error standing for the whole fetch. */
export interface SubgraphResponse {
  data?: Record<string, unknown> | null;
  errors?: ReadonlyArray<Record<string, unknown>>;
  extensions?: Record<string, unknown>;
  /** The answer's Cache-Control (and cache tags), read like @apollo/gateway's honorSubgraphCacheControlHeader. */
  cacheHint?: CacheHint;
  /** The gateway could not get a usable answer (its one error stands for the whole fetch, with no path). */
  failed?: true;
}

/**
 * HTTP client of one subgraph: a keep-alive undici pool, a deadline and a size bound on every fetch.
 * Failures never throw: they come back as a response whose error carries a code and no URL, body or
 * stack, so the plan executor places it at the affected paths and the rest of the data still arrives.
 */
export class SubgraphClient {
  private readonly pool: Pool;
  private readonly path: string;
  private readonly breaker: CircuitBreaker;
  private readonly budget: RetryBudget;
  /** Identical idempotent fetches in flight: later ones share the first one's exchange (see `send`). */
  private readonly inflight = new Map<string, Promise<Exchange>>();

  constructor(
    readonly name: string,
    readonly url: string,
    private readonly options: SubgraphClientOptions,
  ) {
    const parsed = new URL(url);
    this.path = `${parsed.pathname}${parsed.search}`;
    this.pool = new Pool(parsed.origin, {
      connections: options.maxConnections,
      keepAliveTimeout: 30_000,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
    this.breaker = new CircuitBreaker(options.circuitBreaker);
    this.budget = new RetryBudget(options.retries.budgetPercent);
  }

  /** The circuit breaker's state (closed, open, half-open). */
  get circuitState(): CircuitState {
    return this.breaker.state;
  }

  /** Sends a GraphQL request given as an object (@apollo/gateway's executor: never retried or shared). */
  fetch(request: SubgraphRequest, headers?: readonly string[], trace?: TraceSpan): Promise<SubgraphResponse> {
    return this.send(JSON.stringify(request), headers, trace ? { idempotent: false, trace } : NOT_IDEMPOTENT);
  }

  /**
   * Sends an already serialized GraphQL request body (the executor builds it without re-escaping the
   * operation text each time). An idempotent fetch identical to one in flight (same `key`: operation,
   * variables, and the digest of headers, identity and forwarded claims) shares its exchange; each caller
   * parses its own copy of the answer, so no object is shared between requests.
   */
  async send(body: string, headers?: readonly string[], options: SendOptions = NOT_IDEMPOTENT): Promise<SubgraphResponse> {
    if (!options.idempotent || !this.options.dedup) return this.toResponse(await this.exchange(body, headers, options));
    const key = options.key ?? (headers ? `${body}\u0000${headers.join('\u0000')}` : body);
    let shared = this.inflight.get(key);
    if (shared) this.options.observer?.subgraphDeduplicated(this.name);
    else {
      shared = this.exchange(body, headers, options).finally(() => this.inflight.delete(key));
      this.inflight.set(key, shared);
    }
    return this.toResponse(await shared);
  }

  /**
   * One fetch: through the circuit breaker, then attempts — retried (idempotent fetches only) on a
   * connection failure or HTTP 429/502/503/504, with full-jitter exponential backoff or the subgraph's
   * Retry-After, within the retry budget and the request's deadline.
   */
  private async exchange(body: string, headers: readonly string[] | undefined, options: SendOptions): Promise<Exchange> {
    if (options.trace) return this.tracedExchange(body, headers, options, options.trace);
    const observer = this.options.observer;
    if (!observer) return this.attempts(body, headers, options);
    const started = performance.now();
    const result = await this.attempts(body, headers, options);
    observer.subgraphExchange(this.name, outcomeOf(result), (performance.now() - started) / 1000);
    return result;
  }

  /**
   * A fetch under a `subgraph.fetch` span whose W3C `traceparent` the subgraph receives. Added after the dedup
   * key is taken (see `send`), so identical fetches of different requests still share one exchange, traced
   * under the first request's trace.
   */
  private async tracedExchange(body: string, headers: readonly string[] | undefined, options: SendOptions, parent: TraceSpan): Promise<Exchange> {
    const span = tracer.startSpan('subgraph.fetch', parent, 'client');
    span.setAttribute('subgraph.name', this.name);
    const traceparent = span.traceparent;
    const traced = traceparent === undefined ? headers : [...(headers ?? []), 'traceparent', traceparent];
    const result = await this.exchange(body, traced, { idempotent: options.idempotent, deadline: options.deadline, fetchSpan: span });
    const outcome = result.answer ? (result.status < 500 ? 'ok' : 'error') : result.circuitOpen ? 'circuit_open' : result.code;
    span.setAttribute('subgraph.outcome', outcome);
    if (result.answer) span.setAttribute('http.response.status_code', result.status);
    if (outcome !== 'ok') span.recordError(new Error(`subgraph fetch failed: ${outcome}`));
    span.end();
    return result;
  }

  private async attempts(body: string, headers: readonly string[] | undefined, options: SendOptions): Promise<Exchange> {
    const { retries } = this.options;
    this.budget.noteRequest();
    for (let attempt = 0; ; attempt++) {
      if (!this.breaker.allow()) return { answer: false, code: 'SUBGRAPH_UNAVAILABLE', circuitOpen: true };
      const timeoutMs = options.deadline === undefined ? this.options.timeoutMs : Math.min(this.options.timeoutMs, options.deadline - Date.now());
      if (timeoutMs <= 0) return { answer: false, code: 'GATEWAY_TIMEOUT', cause: 'the request deadline had passed' };
      options.fetchSpan?.setAttribute('subgraph.attempts', attempt + 1);
      const result = await this.dispatch(body, headers, timeoutMs);
      const healthy = result.answer ? result.status < 500 : result.code === 'SUBGRAPH_RESPONSE_TOO_LARGE';
      this.breaker.record(healthy);
      const retryable = result.answer ? RETRY_STATUSES.has(result.status) : result.code === 'SUBGRAPH_UNAVAILABLE';
      if (!retryable || !options.idempotent || attempt >= retries.attempts) return result;
      const retryAfter = result.answer ? result.retryAfterMs : undefined;
      if (retryAfter !== undefined && retryAfter > retries.maxRetryAfterMs) return result;
      const wait = retryAfter ?? Math.random() * Math.min(retries.maxBackoffMs, retries.backoffMs * 2 ** attempt);
      if (options.deadline !== undefined && Date.now() + wait >= options.deadline) return result;
      if (!this.budget.tryRetry()) return result;
      this.options.observer?.subgraphRetry(this.name);
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  private dispatch(body: string, headers: readonly string[] | undefined, timeoutMs: number): Promise<Exchange> {
    const all = headers ? [...REQUEST_HEADERS, ...headers] : REQUEST_HEADERS;
    return new Promise((resolve) =>
      this.pool.dispatch({ path: this.path, method: 'POST', headers: all, body, headersTimeout: timeoutMs, bodyTimeout: timeoutMs }, new ResponseCollector(this, resolve, timeoutMs)),
    );
  }

  private toResponse(exchange: Exchange): SubgraphResponse {
    if (!exchange.answer) return this.failed(exchange.code, undefined, exchange.circuitOpen, exchange.cause);
    const response = this.parse(exchange.text, exchange.status);
    if (exchange.hint !== UNCACHEABLE) response.cacheHint = exchange.hint;
    return response;
  }

  /** @internal */
  get cacheTagHeader(): string | undefined {
    return this.options.cacheTagHeader;
  }

  get maxResponseBytes(): number {
    return this.options.maxResponseBytes;
  }

  private parse(text: string, status: number): SubgraphResponse {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return this.failed(status >= 400 ? 'SUBGRAPH_UNAVAILABLE' : 'SUBGRAPH_BAD_RESPONSE', status, false, status >= 400 ? `HTTP ${status}` : 'invalid JSON');
    }
    if (!isGraphQLResponse(body)) return this.failed(status >= 400 ? 'SUBGRAPH_UNAVAILABLE' : 'SUBGRAPH_BAD_RESPONSE', status, false, status >= 400 ? `HTTP ${status}` : 'not a GraphQL response');
    return body;
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  private failed(code: 'SUBGRAPH_UNAVAILABLE' | 'SUBGRAPH_BAD_RESPONSE' | 'SUBGRAPH_RESPONSE_TOO_LARGE' | 'GATEWAY_TIMEOUT', status?: number, circuitOpen = false, cause?: string): SubgraphResponse {
    this.options.failures?.report(this.name, this.url, circuitOpen ? 'circuit open' : (cause ?? code));
    const messages = {
      SUBGRAPH_UNAVAILABLE: circuitOpen
        ? `Subgraph "${this.name}" is unavailable (circuit open after repeated failures).`
        : `Subgraph "${this.name}" is unavailable${status ? ` (HTTP ${status})` : ''}.`,
      SUBGRAPH_BAD_RESPONSE: `Subgraph "${this.name}" returned an invalid response.`,
      SUBGRAPH_RESPONSE_TOO_LARGE: `Subgraph "${this.name}" returned a response larger than ${this.options.maxResponseBytes} bytes.`,
      GATEWAY_TIMEOUT: `Subgraph "${this.name}" did not answer within ${this.options.timeoutMs} ms.`,
    };
    return { data: null, errors: [{ message: messages[code], extensions: { code } satisfies { code: ErrorCode } }], failed: true };
  }
}

class ResponseTooLarge extends Error {}

/**
 * undici dispatch handler for one exchange: collects the body chunks (bounded) and resolves once. A class
 * rather than closures, and no Readable stream or async iterator per fetch, which matters at ten fetches a
 * request.
 */
class ResponseCollector {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private status = 0;
  private cacheHint: CacheHint = UNCACHEABLE;
  private retryAfterMs: number | undefined;
  private abort: ((err?: Error) => void) | undefined;
  private done = false;

  constructor(
    private readonly client: SubgraphClient,
    private readonly resolve: (exchange: Exchange) => void,
    private readonly timeoutMs: number,
  ) {}

  onConnect(abort: (err?: Error) => void): void {
    this.abort = abort;
  }

  onHeaders(statusCode: number, headers: Buffer[] | string[] | null): boolean {
    this.status = statusCode;
    if (headers) {
      // Raw [name, value, …] pairs; only the caching headers and Retry-After are decoded.
      let cacheControl: string | undefined;
      let tags: string | undefined;
      const tagHeader = this.client.cacheTagHeader;
      for (let i = 0; i + 1 < headers.length; i += 2) {
        const name = String(headers[i]);
        if (name.length === 13 && name.toLowerCase() === 'cache-control') cacheControl = String(headers[i + 1]);
        else if (name.length === 11 && name.toLowerCase() === 'retry-after') this.retryAfterMs = parseRetryAfter(String(headers[i + 1]));
        else if (tagHeader !== undefined && name.length === tagHeader.length && name.toLowerCase() === tagHeader) tags = String(headers[i + 1]);
      }
      if (cacheControl !== undefined || tags !== undefined) this.cacheHint = parseCacheControl(cacheControl, tags);
    }
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.size += chunk.length;
    if (this.size > this.client.maxResponseBytes) {
      this.finish({ answer: false, code: 'SUBGRAPH_RESPONSE_TOO_LARGE', cause: `response larger than ${this.client.maxResponseBytes} bytes` });
      this.abort?.(new ResponseTooLarge());
      return false;
    }
    this.chunks.push(chunk);
    return true;
  }

  onComplete(): void {
    const text = this.chunks.length === 1 ? (this.chunks[0] as Buffer).toString('utf8') : Buffer.concat(this.chunks, this.size).toString('utf8');
    this.finish({ answer: true, status: this.status, text, hint: this.cacheHint, retryAfterMs: this.retryAfterMs });
  }

  onError(err: Error): void {
    if (err instanceof ResponseTooLarge) return this.finish({ answer: false, code: 'SUBGRAPH_RESPONSE_TOO_LARGE', cause: `response larger than ${this.client.maxResponseBytes} bytes` });
    const { name, code } = err as { name?: string; code?: string };
    const timedOut = name === 'TimeoutError' || name === 'AbortError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT';
    // undici wraps a refused connection's errno in `cause` on some versions.
    const detail = (err as { cause?: { code?: string } }).cause?.code !== undefined ? { ...err, code: (err as { cause: { code: string } }).cause.code } : err;
    this.finish({ answer: false, code: timedOut ? 'GATEWAY_TIMEOUT' : 'SUBGRAPH_UNAVAILABLE', cause: transportCause(detail, timedOut, this.timeoutMs) });
  }

  private finish(exchange: Exchange): void {
    if (this.done) return;
    this.done = true;
    this.resolve(exchange);
  }
}

/** A fetch's outcome for metrics; an answer that cannot be a GraphQL response object (checked cheaply) is an error. */
function outcomeOf(exchange: Exchange): FetchOutcome {
  if (!exchange.answer) return exchange.circuitOpen ? 'circuit_open' : exchange.code === 'GATEWAY_TIMEOUT' ? 'timeout' : 'error';
  return exchange.status < 500 && exchange.text.trimStart().startsWith('{') ? 'ok' : 'error';
}

/** `Retry-After`: delay seconds or an HTTP date, as milliseconds from now. */
function parseRetryAfter(value: string): number | undefined {
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

// One shared header list for every subgraph request (undici accepts a flat array; no per-request object).
const REQUEST_HEADERS = ['content-type', 'application/json', 'accept', 'application/graphql-response+json, application/json'];

function isGraphQLResponse(body: unknown): body is SubgraphResponse {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return false;
  const { data, errors } = body as { data?: unknown; errors?: unknown };
  const dataOk = data === undefined || data === null || (typeof data === 'object' && !Array.isArray(data));
  const errorsOk = errors === undefined || (Array.isArray(errors) && errors.every((e) => e !== null && typeof e === 'object'));
  return dataOk && errorsOk && (data !== undefined || errors !== undefined);
}
