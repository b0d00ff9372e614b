import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import type { GraphQLError } from 'graphql';
import type { Principal } from '../auth';
import type { RequestAuthenticator } from './authentication';
import { errorBody, type ErrorCode } from '../errors';
import type { Logger } from '../observability';
import { BodyTooLarge, readBody } from './readBody';

const JSON_TYPES = ['application/json', 'application/graphql-response+json'];

/** Hands one HTTP request on /graphql to Apollo Server's request pipeline and writes its answer. */
export async function handleGraphQL(
  apollo: ApolloServer,
  req: IncomingMessage,
  res: ServerResponse,
  options: {
    maxBodyBytes: number;
    logger: Logger;
    batching: { enabled: boolean; maxSize: number };
    preflight: Preflight;
    authenticator: RequestAuthenticator | undefined;
  },
): Promise<void> {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const method = (req.method ?? 'GET').toUpperCase();
  let body: unknown = undefined;
  if (method === 'POST') {
    let text: string;
    try {
      text = await readBody(req, options.maxBodyBytes);
    } catch (err) {
      if (err instanceof BodyTooLarge) return sendJson(res, 413, errorBody('PAYLOAD_TOO_LARGE', `Request body is larger than ${options.maxBodyBytes} bytes.`), true);
      throw err;
    }
    const contentType = (headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (JSON_TYPES.includes(contentType)) {
      try {
        body = text.length > 0 ? JSON.parse(text) : undefined;
      } catch {
        return sendJson(res, 400, errorBody('BAD_REQUEST', 'The request body is not valid JSON.'));
      }
      // Batches multiply the work of one request: off unless configured, and bounded when on.
      if (Array.isArray(body)) {
        if (!options.batching.enabled) return sendJson(res, 400, errorBody('BATCHING_DISABLED', 'Batched operations (an array body) are not accepted.'));
        if (body.length > options.batching.maxSize) {
          return sendJson(res, 400, errorBody('BATCH_LIMIT_EXCEEDED', `A batch may hold at most ${options.batching.maxSize} operations (got ${body.length}).`));
        }
      }
    } else {
      // Other content types reach Apollo Server as text: its CSRF rule and content-type checks answer them.
      body = text;
    }
  }
  // Identity first: a bad token is refused (401) before any GraphQL work, and nothing reaches a subgraph.
  let principal: Principal | undefined;
  if (options.authenticator) {
    const outcome = await options.authenticator(headers);
    if (!outcome.ok) {
      res.setHeader('www-authenticate', 'Bearer');
      return sendJson(res, 401, errorBody('UNAUTHENTICATED', `Unauthenticated: ${outcome.message}.`));
    }
    principal = outcome.principal;
  }
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const refusal = method === 'GET' ? preflightSearch(url, q, options.preflight) : preflightBody(body, options.preflight);
  if (refusal) return sendJson(res, 400, errorBody(refusal.extensions.code as ErrorCode, refusal.message));
  const result = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method, headers, search: q >= 0 ? url.slice(q) : '', body },
    context: async () => ({ principal }),
  });
  for (const [name, value] of result.headers) res.setHeader(name, value);
  res.statusCode = result.status ?? 200;
  if (result.body.kind === 'complete') {
    res.end(result.body.string);
    return;
  }
  for await (const chunk of result.body.asyncIterator) res.write(chunk);
  res.end();
}

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

function preflightSearch(url: string, q: number, preflight: Preflight): GraphQLError | undefined {
  if (q < 0) return undefined;
  const params = new URLSearchParams(url.slice(q + 1));
  const query = params.get('query');
  return query === null ? undefined : preflight(query, params.get('operationName') ?? undefined);
}

export function sendJson(res: ServerResponse, status: number, body: string, closeConnection = false): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  // After refusing a body we did not read, the connection cannot be reused for the next request.
  if (closeConnection) res.setHeader('connection', 'close');
  res.end(body);
}
