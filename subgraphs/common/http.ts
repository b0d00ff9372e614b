import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import { BodyTooLargeError, readBody } from './body';

export interface GraphQLHandlerOptions<TContext> {
  /** The only path that serves GraphQL; everything else is a 404. */
  readonly path: string;
  readonly maxBodyBytes: number;
  readonly context: (req: IncomingMessage) => Promise<TContext>;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** What Apollo's cache-control plugin answers for a response that must not be cached. */
const UNCACHEABLE = 'no-store';

/**
 * A node:http handler around `executeHTTPGraphQLRequest`. Written by hand (rather than
 * `startStandaloneServer`) to serve `/graphql` instead of `/`, bound the body size, and own
 * the `http.Server` so `stop()` can close keep-alive sockets.
 */
export function createGraphQLHandler<TContext extends BaseContext>(
  apollo: ApolloServer<TContext>,
  options: GraphQLHandlerOptions<TContext>,
): Handler {
  return (req, res) => {
    handle(apollo, options, req, res).catch((error: unknown) => fail(res, error));
  };
}

async function handle<TContext extends BaseContext>(
  apollo: ApolloServer<TContext>,
  options: GraphQLHandlerOptions<TContext>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://subgraph.invalid');
  if (url.pathname !== options.path) {
    req.resume();
    sendJson(res, 404, { errors: [{ message: `Not found: GraphQL is served at ${options.path}` }] });
    return;
  }

  const method = (req.method ?? 'GET').toUpperCase();
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }

  let body: unknown;
  if (method === 'POST') {
    const raw = await readBody(req, options.maxBodyBytes);
    // Only JSON is parsed; any other content type reaches Apollo without a body, where
    // its CSRF prevention and "POST body missing" checks give the standard answers.
    if (isJson(headers.get('content-type')) && raw.length > 0) {
      try {
        body = JSON.parse(raw);
      } catch {
        sendJson(res, 400, { errors: [{ message: 'Request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] });
        return;
      }
    }
  } else {
    req.resume();
  }

  const response = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method, headers, search: url.search, body },
    context: () => options.context(req),
  });
  // Apollo's cache-control plugin sets the header on every answer from the request pipeline; what it
  // leaves unmarked (a refusal before execution, such as a CSRF 400 or a 405) must not be cached either.
  for (const [key, value] of response.headers) res.setHeader(key, value);
  if (!res.hasHeader('cache-control')) res.setHeader('cache-control', UNCACHEABLE);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === 'complete') {
    res.end(response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}

function isJson(contentType: string | undefined): boolean {
  return contentType?.split(';')[0]?.trim().toLowerCase() === 'application/json';
}

function fail(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (error instanceof BodyTooLargeError) {
    // The rest of the oversized body is never read, so the connection cannot be reused.
    res.setHeader('connection', 'close');
    sendJson(res, error.status, { errors: [{ message: error.message, extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
    return;
  }
  // Unexpected: keep details out of the response, but do not lose them.
  console.error('subgraph: unhandled error while serving a request', error);
  sendJson(res, 500, { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
}

function sendJson(res: ServerResponse, status: number, payload: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  // Without it, HTTP caches may keep a 404 by heuristic; none of these answers is worth caching.
  res.setHeader('cache-control', UNCACHEABLE);
  res.end(JSON.stringify(payload));
}
