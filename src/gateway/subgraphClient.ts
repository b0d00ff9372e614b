import { Pool } from 'undici';
import { parseCacheControl, UNCACHEABLE, type CacheHint } from '../cache/cacheHint';
import type { ErrorCode } from '../errors';

/** Per-subgraph transport settings (from `gateway.yaml` → `subgraphs`). */
export interface SubgraphClientOptions {
  /** Longest wait for a subgraph's answer headers, and for each gap in its body; beyond it the socket is
   * closed and the fetch yields GATEWAY_TIMEOUT. */
  timeoutMs: number;
  /** A subgraph answer larger than this is cut off and yields SUBGRAPH_RESPONSE_TOO_LARGE. */
  maxResponseBytes: number;
  /** Keep-alive connections kept open to this subgraph. */
  maxConnections: number;
  /** The response header carrying cache tags (gateway.yaml `cache.tagHeader`), lower-case. */
  cacheTagHeader?: string;
}

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
}

/**
 * HTTP client of one subgraph: a keep-alive undici pool, a deadline and a size bound on every fetch.
 * Failures never throw: they come back as a response whose error carries a code and no URL, body or
 * stack, so the plan executor places it at the affected paths and the rest of the data still arrives.
 */
export class SubgraphClient {
  private readonly pool: Pool;
  private readonly path: string;

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
  }

  /** Sends a GraphQL request given as an object. */
  fetch(request: SubgraphRequest, headers?: readonly string[]): Promise<SubgraphResponse> {
    return this.send(JSON.stringify(request), headers);
  }

  /**
   * Sends an already serialized GraphQL request body (the executor builds it without re-escaping the
   * operation text each time). The deadline is undici's: `timeoutMs` for the answer's headers and for each
   * gap in its body, cleared as soon as the fetch completes.
   */
  send(body: string, headers?: readonly string[]): Promise<SubgraphResponse> {
    const all = headers ? [...REQUEST_HEADERS, ...headers] : REQUEST_HEADERS;
    return new Promise((resolve) => this.pool.dispatch({ path: this.path, method: 'POST', headers: all, body }, new ResponseCollector(this, resolve)));
  }

  /** @internal the collector's way back: a finished body, or a failure. */
  complete(text: string, status: number, cacheHint: CacheHint): SubgraphResponse {
    const response = this.parse(text, status);
    if (cacheHint !== UNCACHEABLE) response.cacheHint = cacheHint;
    return response;
  }

  /** @internal */
  get cacheTagHeader(): string | undefined {
    return this.options.cacheTagHeader;
  }

  /** @internal */
  tooLarge(): SubgraphResponse {
    return this.failed('SUBGRAPH_RESPONSE_TOO_LARGE');
  }

  /** @internal */
  error(err: unknown): SubgraphResponse {
    return this.failure(err);
  }

  get maxResponseBytes(): number {
    return this.options.maxResponseBytes;
  }

  private parse(text: string, status: number): SubgraphResponse {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return this.failed(status >= 400 ? 'SUBGRAPH_UNAVAILABLE' : 'SUBGRAPH_BAD_RESPONSE', status);
    }
    if (!isGraphQLResponse(body)) return this.failed(status >= 400 ? 'SUBGRAPH_UNAVAILABLE' : 'SUBGRAPH_BAD_RESPONSE', status);
    return body;
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  private failure(err: unknown): SubgraphResponse {
    if (err instanceof ResponseTooLarge) return this.failed('SUBGRAPH_RESPONSE_TOO_LARGE');
    const name = (err as { name?: string; code?: string } | null)?.name;
    const code = (err as { code?: string } | null)?.code;
    if (name === 'TimeoutError' || name === 'AbortError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
      return this.failed('GATEWAY_TIMEOUT');
    }
    return this.failed('SUBGRAPH_UNAVAILABLE');
  }

  private failed(code: 'SUBGRAPH_UNAVAILABLE' | 'SUBGRAPH_BAD_RESPONSE' | 'SUBGRAPH_RESPONSE_TOO_LARGE' | 'GATEWAY_TIMEOUT', status?: number): SubgraphResponse {
    const messages = {
      SUBGRAPH_UNAVAILABLE: `Subgraph "${this.name}" is unavailable${status ? ` (HTTP ${status})` : ''}.`,
      SUBGRAPH_BAD_RESPONSE: `Subgraph "${this.name}" returned an invalid response.`,
      SUBGRAPH_RESPONSE_TOO_LARGE: `Subgraph "${this.name}" returned a response larger than ${this.options.maxResponseBytes} bytes.`,
      GATEWAY_TIMEOUT: `Subgraph "${this.name}" did not answer within ${this.options.timeoutMs} ms.`,
    };
    return { data: null, errors: [{ message: messages[code], extensions: { code } satisfies { code: ErrorCode } }] };
  }
}

class ResponseTooLarge extends Error {}

/**
 * undici dispatch handler for one fetch: collects the body chunks (bounded) and resolves once. A class rather
 * than closures, and no Readable stream or async iterator per fetch, which matters at ten fetches a request.
 */
class ResponseCollector {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private status = 0;
  private cacheHint: CacheHint = UNCACHEABLE;
  private abort: ((err?: Error) => void) | undefined;
  private done = false;

  constructor(
    private readonly client: SubgraphClient,
    private readonly resolve: (response: SubgraphResponse) => void,
  ) {}

  onConnect(abort: (err?: Error) => void): void {
    this.abort = abort;
  }

  onHeaders(statusCode: number, headers: Buffer[] | string[] | null): boolean {
    this.status = statusCode;
    if (headers) {
      // Raw [name, value, …] pairs; only the two caching headers are decoded.
      let cacheControl: string | undefined;
      let tags: string | undefined;
      const tagHeader = this.client.cacheTagHeader;
      for (let i = 0; i + 1 < headers.length; i += 2) {
        const name = String(headers[i]);
        if (name.length === 13 && name.toLowerCase() === 'cache-control') cacheControl = String(headers[i + 1]);
        else if (tagHeader !== undefined && name.length === tagHeader.length && name.toLowerCase() === tagHeader) tags = String(headers[i + 1]);
      }
      if (cacheControl !== undefined || tags !== undefined) this.cacheHint = parseCacheControl(cacheControl, tags);
    }
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.size += chunk.length;
    if (this.size > this.client.maxResponseBytes) {
      this.finish(this.client.tooLarge());
      this.abort?.(new ResponseTooLarge());
      return false;
    }
    this.chunks.push(chunk);
    return true;
  }

  onComplete(): void {
    const text = this.chunks.length === 1 ? (this.chunks[0] as Buffer).toString('utf8') : Buffer.concat(this.chunks, this.size).toString('utf8');
    this.finish(this.client.complete(text, this.status, this.cacheHint));
  }

  onError(err: Error): void {
    this.finish(this.client.error(err));
  }

  private finish(response: SubgraphResponse): void {
    if (this.done) return;
    this.done = true;
    this.resolve(response);
  }
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
