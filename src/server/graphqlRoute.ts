import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import type { RequestContext } from '../pipeline';
import type { GraphQLError } from 'graphql';
import type { Principal } from '../auth';
import type { RequestAuthenticator } from './authentication';
import { ERROR_CODES, errorBody, type ErrorCode } from '../errors';
import { requestFactsOf, tracer, type Logger, type Metrics, type TraceSpan } from '../observability';
import type { OperationParams, PersistedOperations, RequestFacts, Resolution } from '../operations';
import { rateLimitHeaders, type Quota, type RateLimitDecision, type RateLimiter } from '../traffic';
import type { VariableBounds } from '../security';
import { BodyIdle, BodyTooLarge, bodyIdleMessage, readBody } from './readBody';
import { jsonContentType, unsupportedCharset, variablesRefusal } from './requestChecks';

/**
 * Hands one HTTP request on /graphql to Apollo Server's request pipeline and writes its answer. With tracing on
 * the whole request is the `graphql.request` span, continuing the client's W3C `traceparent` when it sends one;
 * the span rides in the GraphQL context (`span`) to the plugins, the gateway and the subgraph client.
 */
export async function handleGraphQL(apollo: ApolloServer<RequestContext>, req: IncomingMessage, res: ServerResponse, options: Parameters<typeof serveGraphQL>[3]): Promise<void> {
  if (!tracer.enabled) return serveGraphQL(apollo, req, res, options, undefined);
  const traceparent = req.headers.traceparent;
  const span = tracer.startSpan('graphql.request', typeof traceparent === 'string' ? traceparent : undefined, 'server');
  span.setAttribute('http.request.method', req.method ?? 'GET');
  try {
    await serveGraphQL(apollo, req, res, options, span);
  } catch (err) {
    span.recordError(err);
    throw err;
  } finally {
    span.setAttribute('http.response.status_code', res.statusCode);
    span.end();
  }
}

async function serveGraphQL(
  apollo: ApolloServer<RequestContext>,
  req: IncomingMessage,
  res: ServerResponse,
  options: {
    maxBodyBytes: number;
    /** No byte of the body for this long → 408 (server.bodyIdleTimeoutMs). */
    bodyIdleTimeoutMs: number;
    /** limits.variables, checked on the parsed request before any other work. */
    variables: VariableBounds;
    logger: Logger;
    batching: { enabled: boolean; maxSize: number };
    preflight: Preflight;
    authenticator: RequestAuthenticator | undefined;
    operations: PersistedOperations;
    /** Request-count budgets, spent here; cost budgets are spent by a plugin with the context's `clientKey`. */
    rateLimiter?: RateLimiter | undefined;
    /** Refusals answered here, before Apollo Server, are counted like its answers (its metrics plugin). */
    metrics?: Metrics | undefined;
  },
  span: TraceSpan | undefined,
): Promise<void> {
  const started = performance.now();
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const count: CountRefusal = (status, code) =>
    options.metrics?.httpRequest({ operationName: '', operationType: 'unknown', status, clientName: headers.get('apollographql-client-name'), seconds: (performance.now() - started) / 1000, codes: [code] });
  const method = (req.method ?? 'GET').toUpperCase();
  let body: unknown = undefined;
  if (method === 'POST') {
    let text: string;
    try {
      text = await readBody(req, { maxBytes: options.maxBodyBytes, idleTimeoutMs: options.bodyIdleTimeoutMs });
    } catch (err) {
      if (err instanceof BodyTooLarge) {
        count(413, 'PAYLOAD_TOO_LARGE');
        return sendJson(res, 413, errorBody('PAYLOAD_TOO_LARGE', `Request body is larger than ${options.maxBodyBytes} bytes.`), true);
      }
      if (err instanceof BodyIdle) {
        count(408, 'REQUEST_TIMEOUT');
        return sendJson(res, 408, errorBody('REQUEST_TIMEOUT', bodyIdleMessage(options.bodyIdleTimeoutMs)), true);
      }
      throw err;
    }
    const jsonType = jsonContentType(headers.get('content-type'));
    if (jsonType) {
      const charset = unsupportedCharset(jsonType);
      if (charset !== undefined) {
        count(415, 'UNSUPPORTED_MEDIA_TYPE');
        return sendJson(res, 415, errorBody('UNSUPPORTED_MEDIA_TYPE', `Unsupported charset "${charset}": GraphQL requests are UTF-8 JSON.`));
      }
      try {
        body = text.length > 0 ? JSON.parse(text) : undefined;
      } catch {
        count(400, 'BAD_REQUEST');
        return sendJson(res, 400, errorBody('BAD_REQUEST', 'The request body is not valid JSON.'));
      }
      // Batches multiply the work of one request: off unless configured, and bounded when on.
      if (Array.isArray(body)) {
        if (!options.batching.enabled) {
          count(400, 'BATCHING_DISABLED');
          return sendJson(res, 400, errorBody('BATCHING_DISABLED', 'Batched operations (an array body) are not accepted.'));
        }
        if (body.length > options.batching.maxSize) {
          count(400, 'BATCH_LIMIT_EXCEEDED');
          return sendJson(res, 400, errorBody('BATCH_LIMIT_EXCEEDED', `A batch may hold at most ${options.batching.maxSize} operations (got ${body.length}).`));
        }
      }
    } else {
      // Other content types reach Apollo Server as text: its CSRF rule and content-type checks answer them.
      body = text;
    }
  }
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  let search = q >= 0 ? url.slice(q) : '';
  // Variables are bounded before any other work reads them (see security/limits/variableBounds.ts).
  const tooBig = variablesRefusal(method, body, search, options.variables);
  if (tooBig) {
    count(400, tooBig.code);
    return sendJson(res, 400, errorBody(tooBig.code, tooBig.message));
  }
  // Identity first: a bad token is refused (401) before any GraphQL work, and nothing reaches a subgraph.
  let principal: Principal | undefined;
  if (options.authenticator) {
    const outcome = await options.authenticator(headers);
    if (!outcome.ok) {
      res.setHeader('www-authenticate', 'Bearer');
      count(401, 'UNAUTHENTICATED');
      return sendJson(res, 401, errorBody('UNAUTHENTICATED', `Unauthenticated: ${outcome.message}.`));
    }
    principal = outcome.principal;
  }
  // Rate limits once the caller is known (its sub keys the budget) and before any operation is resolved or
  // parsed: a client over budget costs one counter increment. A batch counts as its number of operations.
  let clientKey: string | undefined;
  let requestQuota: Quota | undefined;
  if (options.rateLimiter) {
    clientKey = options.rateLimiter.clientKeyOf({ principal, header: (name) => headers.get(name) ?? undefined, remoteAddress: req.socket.remoteAddress });
    const decision = await options.rateLimiter.consumeRequests(clientKey, Array.isArray(body) ? Math.max(body.length, 1) : 1);
    if (!decision.allowed) {
      count(ERROR_CODES.RATE_LIMITED.status, 'RATE_LIMITED');
      options.metrics?.rateLimited('requests');
      return refuseRateLimited(res, decision);
    }
    requestQuota = decision.quota;
    for (const [name, value] of rateLimitHeaders(decision)) res.setHeader(name, value);
  }
  // Operation resolution: APQ hashes and manifest ids become query text; the safelist mode is applied.
  // Hashes to register once Apollo Server has accepted their query (see PersistedOperations.plugin).
  const apqRegister: string[] = [];
  const facts: RequestFacts = { clientName: headers.get('apollographql-client-name') ?? undefined, principal, header: (name) => headers.get(name) ?? undefined };
  if (method === 'GET') {
    const resolved = await resolveSearch(search, options.operations, facts, apqRegister);
    if (typeof resolved !== 'string') return refuseOperation(res, resolved, count);
    search = resolved;
  } else if (Array.isArray(body)) {
    const resolved: unknown[] = [];
    for (const op of body) {
      const outcome = await resolveParams(op, options.operations, facts, apqRegister);
      if (!outcome.ok) return refuseOperation(res, outcome, count);
      resolved.push(outcome.params);
    }
    body = resolved;
  } else if (body !== null && typeof body === 'object') {
    const outcome = await resolveParams(body, options.operations, facts, apqRegister);
    if (!outcome.ok) return refuseOperation(res, outcome, count);
    body = outcome.params;
  }
  const refusal = method === 'GET' ? preflightSearch(search, options.preflight) : preflightBody(body, options.preflight);
  if (refusal) {
    count(400, refusal.extensions.code as ErrorCode);
    return sendJson(res, 400, errorBody(refusal.extensions.code as ErrorCode, refusal.message));
  }
  const requestFacts = requestFactsOf(req);
  // One context per operation: a batch's operations are run one by one (each with its own authorization,
  // cache tags and plan), not as Apollo Server's batch, whose operations would share one context.
  const run = (operationBody: unknown) =>
    apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method, headers, search, body: operationBody },
      context: async () => ({ principal, apqRegister, clientKey, requestQuota, requestFacts, span }),
    });
  const result = Array.isArray(body) && body.length > 0 ? await runBatch(body, run) : await run(body);
  for (const [name, value] of result.headers) res.setHeader(name, value);
  res.statusCode = result.status ?? 200;
  if (result.body.kind === 'complete') {
    res.end(result.body.string);
    return;
  }
  for await (const chunk of result.body.asyncIterator) res.write(chunk);
  res.end();
}

type HTTPGraphQLResponse = Awaited<ReturnType<ApolloServer<RequestContext>['executeHTTPGraphQLRequest']>>;

/**
 * A batch as Apollo Server answers one (an array of the operations' answers, their headers merged, the status
 * of the last operation that set one), each operation run on its own.
 */
async function runBatch(operations: readonly unknown[], run: (body: unknown) => Promise<HTTPGraphQLResponse>): Promise<HTTPGraphQLResponse> {
  const results = await Promise.all(operations.map(run));
  const headers = new HeaderMap();
  let status: number | undefined;
  const bodies: string[] = [];
  for (const result of results) {
    for (const [name, value] of result.headers) headers.set(name, value);
    if (result.status !== undefined && result.status !== 200) status = result.status;
    if (result.body.kind !== 'complete') throw new Error('Incremental delivery is not implemented for batch requests');
    bodies.push(result.body.string);
  }
  return { status, headers, body: { kind: 'complete', string: `[${bodies.join(',')}]` } };
}

/** Records a refusal answered before Apollo Server (metrics: operation unknown). */
type CountRefusal = (status: number, code: ErrorCode) => void;

type Preflight = (source: string, operationName: string | undefined) => GraphQLError | undefined;

function preflightBody(body: unknown, preflight: Preflight): GraphQLError | undefined {
  for (const op of Array.isArray(body) ? body : [body]) {
    const { query, operationName } = (op ?? {}) as { query?: unknown; operationName?: unknown };
    if (typeof query !== 'string') continue;
    const refusal = preflight(query, typeof operationName === 'string' ? operationName : undefined);
    if (refusal) return refusal;
  }
  return undefined;
}

function preflightSearch(search: string, preflight: Preflight): GraphQLError | undefined {
  if (search === '') return undefined;
  const params = new URLSearchParams(search.slice(1));
  const query = params.get('query');
  return query === null ? undefined : preflight(query, params.get('operationName') ?? undefined);
}

/** One operation object of a POST body, resolved; objects Apollo Server must refuse pass unchanged. */
async function resolveParams(op: unknown, operations: PersistedOperations, facts: RequestFacts, apqRegister: string[]): Promise<{ ok: true; params: unknown } | Extract<Resolution, { ok: false }>> {
  if (op === null || typeof op !== 'object' || Array.isArray(op)) return { ok: true, params: op };
  const params = op as OperationParams & Record<string, unknown>;
  const pending = operations.resolve(params, facts);
  const outcome = pending instanceof Promise ? await pending : pending;
  if (!outcome.ok) return outcome;
  if (outcome.register) apqRegister.push(outcome.register);
  if (!outcome.rewrite) return { ok: true, params };
  const { documentId: _documentId, extensions, ...rest } = params;
  return { ok: true, params: { ...rest, query: outcome.query, ...withoutPersistedQuery(extensions) } };
}

/** GET parameters, resolved; the search string Apollo Server then reads (unchanged when nothing was resolved). */
async function resolveSearch(search: string, operations: PersistedOperations, facts: RequestFacts, apqRegister: string[]): Promise<string | Extract<Resolution, { ok: false }>> {
  const params = new URLSearchParams(search.slice(1));
  const extensionsText = params.get('extensions');
  let extensions: unknown;
  try {
    extensions = extensionsText === null ? undefined : JSON.parse(extensionsText);
  } catch {
    return search; // Apollo Server answers malformed extensions with its own 400.
  }
  const pending = operations.resolve({ query: params.get('query') ?? undefined, extensions, documentId: params.get('documentId') ?? undefined }, facts);
  const outcome = pending instanceof Promise ? await pending : pending;
  if (!outcome.ok) return outcome;
  if (outcome.register) apqRegister.push(outcome.register);
  if (!outcome.rewrite) return search;
  params.delete('documentId');
  params.set('query', outcome.query as string);
  const rest = withoutPersistedQuery(extensions).extensions;
  if (rest) params.set('extensions', JSON.stringify(rest));
  else params.delete('extensions');
  return `?${params.toString()}`;
}

function withoutPersistedQuery(extensions: unknown): { extensions?: Record<string, unknown> } {
  if (extensions === null || typeof extensions !== 'object' || Array.isArray(extensions)) return {};
  const { persistedQuery: _persistedQuery, ...rest } = extensions as Record<string, unknown>;
  return Object.keys(rest).length > 0 ? { extensions: rest } : {};
}

// Apollo's protocol: APQ misses are HTTP 200 and must not be cached (the client registers next).
function refuseOperation(res: ServerResponse, refusal: Extract<Resolution, { ok: false }>, count: CountRefusal): void {
  const status = ERROR_CODES[refusal.code].status;
  count(status, refusal.code);
  if (status === 200) res.setHeader('cache-control', 'private, no-cache, must-revalidate');
  sendJson(res, status, errorBody(refusal.code, refusal.message));
}

function refuseRateLimited(res: ServerResponse, decision: Extract<RateLimitDecision, { allowed: false }>): void {
  for (const [name, value] of rateLimitHeaders(decision)) res.setHeader(name, value);
  sendJson(res, ERROR_CODES.RATE_LIMITED.status, errorBody('RATE_LIMITED', decision.message));
}

export function sendJson(res: ServerResponse, status: number, body: string, closeConnection = false): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  // After refusing a body we did not read, the connection cannot be reused for the next request.
  if (closeConnection) res.setHeader('connection', 'close');
  res.end(body);
}
