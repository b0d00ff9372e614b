import { Pool } from 'undici';
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
  fetch(request: SubgraphRequest): Promise<SubgraphResponse> {
    return this.send(JSON.stringify(request));
  }

  /**
   * Sends an already serialized GraphQL request body (the executor builds it without re-escaping the
   * operation text each time). The deadline is undici's: `timeoutMs` for the answer's headers and for each
   * gap in its body, cleared as soon as the fetch completes.
   */
  send(body: string): Promise<SubgraphResponse> {
    // undici's dispatch with a handler: no Readable stream, async iterator or listeners per fetch, just the
    // chunks, which matters at ten fetches per client request.
    return new Promise((resolve) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let status = 0;
      let abort: ((err?: Error) => void) | undefined;
      let done = false;
      const finish = (response: SubgraphResponse): void => {
        if (!done) {
          done = true;
          resolve(response);
        }
      };
      this.pool.dispatch(
        { path: this.path, method: 'POST', headers: REQUEST_HEADERS, body },
        {
          onConnect: (abortFetch) => {
            abort = abortFetch;
          },
          onHeaders: (statusCode) => {
            status = statusCode;
            return true;
          },
          onData: (chunk) => {
            size += chunk.length;
            if (size > this.options.maxResponseBytes) {
              finish(this.failed('SUBGRAPH_RESPONSE_TOO_LARGE'));
              abort?.(new ResponseTooLarge());
              return false;
            }
            chunks.push(chunk);
            return true;
          },
          onComplete: () => {
            const text = chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks, size).toString('utf8');
            finish(this.parse(text, status));
          },
          onError: (err) => finish(this.failure(err)),
        },
      );
    });
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

// One shared header list for every subgraph request (undici accepts a flat array; no per-request object).
const REQUEST_HEADERS = ['content-type', 'application/json', 'accept', 'application/graphql-response+json, application/json'];

function isGraphQLResponse(body: unknown): body is SubgraphResponse {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return false;
  const { data, errors } = body as { data?: unknown; errors?: unknown };
  const dataOk = data === undefined || data === null || (typeof data === 'object' && !Array.isArray(data));
  const errorsOk = errors === undefined || (Array.isArray(errors) && errors.every((e) => e !== null && typeof e === 'object'));
  return dataOk && errorsOk && (data !== undefined || errors !== undefined);
}
