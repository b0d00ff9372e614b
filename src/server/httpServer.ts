import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { Engines, PipelineOptions } from '../pipeline';
import type { GraphQLError } from 'graphql';
import type { RequestAuthenticator } from './authentication';
import { errorBody } from '../errors';
import { beginRequest, type Logger, type Metrics } from '../observability';
import type { Store } from '../store';
import type { PersistedOperations } from '../operations';
import type { RateLimiter } from '../traffic';
import type { VariableBounds } from '../security';
import { BodyAborted } from './readBody';
import { handleGraphQL, sendJson } from './graphqlRoute';
import { createPipeline } from '../pipeline';
import { adminApi, type AdminOptions } from './adminRoute';
import { compileCors } from './cors';
import type { CorsSettings, JunctionConfig } from '../config';
import type { StreamConnections } from './streamConnections';
import { createSseTransport } from './sseTransport';
import type { StreamingSettings } from './streamingResponse';
import { createWebSocketTransport } from './websocketTransport';
import type { WorkersStatus } from '../cluster';

export interface HttpServerOptions {
  maxBodyBytes: number;
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** Largest request head (Node answers 431 beyond it). */
  maxHeaderBytes: number;
  /** Most request headers (431 REQUEST_HEADER_FIELDS_TOO_LARGE beyond). */
  maxHeaders: number;
  /** No byte of a request body for this long → 408 REQUEST_TIMEOUT. */
  bodyIdleTimeoutMs: number;
  /** limits.variables. */
  variables: VariableBounds;
  /** HTTPS from PEM files; plain HTTP without. */
  tls?: { certFile: string; keyFile: string } | undefined;
  batching: { enabled: boolean; maxSize: number };
  /** Request limits checked before Apollo Server parses anything (see security/requestLimitsPlugin.ts). */
  preflight: (source: string, operationName: string | undefined) => GraphQLError | undefined;
  /** Verifies the request's token; undefined when no key source is configured. */
  authenticator: RequestAuthenticator | undefined;
  /** APQ and trusted documents: operation resolution before anything parses the operation. */
  operations: PersistedOperations;
  /** Rate limits: request-count budgets are a pipeline stage (pipeline/stages/rateLimitRequests.ts); undefined when off. */
  rateLimiter?: RateLimiter | undefined;
  logger: Logger;
  /** The engines (Apollo Server, and a canary release's) once a supergraph is loaded and it has started; undefined until then. */
  apollo: () => Engines | undefined;
  /** Who a client is (`rateLimit.clientKey` rules) and which supergraph serves it (pipeline stage identifyClient). */
  clientKeyOf: PipelineOptions['clientKeyOf'];
  variantOf: PipelineOptions['variantOf'];
  /** The active supergraph's id, for /health. */
  supergraphId: () => string | undefined;
  /** With --workers: the whole gateway (ready once every worker serves this worker's supergraph). */
  workers?: (() => WorkersStatus) | undefined;
  /** One access-log line per request (`logging.accessLog`). */
  accessLog: boolean;
  /** Reported by /health and /ready; a store that is down never makes the gateway unhealthy (it only means
   * misses), but a Redis store that does not answer makes it not ready. */
  store: Pick<Store, 'kind' | 'available'>;
  /** CORS on /graphql (`cors`); undefined: no CORS headers (same-origin pages only). */
  cors?: CorsSettings | undefined;
  /** `graphql.landingPage`: a browser's GET / is sent to the landing page on /graphql. */
  landingPage?: boolean | undefined;
  /** CORS on /admin/… (`admin.cors`); undefined: the admin API is same-origin only. */
  adminCors?: CorsSettings | undefined;
  /** The admin API under /admin (cache invalidation, registry); without it, /admin paths answer 404 like any unknown path. */
  admin?: AdminOptions | undefined;
  /** Prometheus metrics: /graphql refusals are counted here (a no-op object when metrics are off). */
  metrics?: Metrics | undefined;
  /** GET <path>: the metrics (absent when metrics are off or served on their own port). */
  metricsRoute?: { path: string; handle: (req: IncomingMessage, res: ServerResponse) => Promise<void> } | undefined;
  /**
   * Subscriptions (`subscriptions`), the one bound on long-lived connections of every streaming transport
   * (WebSocket, SSE, multipart: made once in junction.ts), and the header the token is read from (`auth.header`:
   * a WebSocket's connection_init credentials go there).
   */
  streaming: { subscriptions: JunctionConfig['subscriptions']; streams: StreamConnections; tokenHeader: string };
}

export interface HttpServer {
  server: Server;
  /** Requests being answered right now (graceful drain waits for them). */
  inFlight: () => number;
  /**
   * Shutdown of the WebSockets (after StreamConnections.closeAll()): resolves once they have closed 1001, or at
   * `deadline` (epoch ms) with the rest terminated. Node's server.close() waits for upgraded sockets too.
   */
  closeWebSockets: (deadline: number) => Promise<void>;
}

/**
 * The HTTP front: routes, timeouts and request accounting. Node's own server (no framework) keeps the hot
 * path short; every route answers JSON errors with a code, never an HTML page or a stack trace.
 */
export function createHttpServer(options: HttpServerOptions): HttpServer {
  let inFlight = 0;
  const admin = options.admin ? adminApi(options.admin, options.authenticator, options.logger, options.bodyIdleTimeoutMs) : undefined;
  // Every policy an operation crosses, in one ordered list (pipeline/pipeline.ts); this route is its HTTP transport.
  const pipeline = createPipeline({
    batching: options.batching,
    variables: options.variables,
    authenticator: options.authenticator,
    clientKeyOf: options.clientKeyOf,
    variantOf: options.variantOf,
    rateLimiter: options.rateLimiter,
    rateLimited: () => options.metrics?.rateLimited('requests'),
    operations: options.operations,
    preflight: options.preflight,
  });
  const streamConnections = options.streaming.streams;
  const settings: StreamingSettings = { maxBufferedBytes: options.streaming.subscriptions.maxBufferedBytes, multipartHeartbeatMs: options.streaming.subscriptions.multipartHeartbeatMs };
  const streaming = { connections: streamConnections, settings, sse: createSseTransport(streamConnections, settings) };
  const graphql = { maxBodyBytes: options.maxBodyBytes, bodyIdleTimeoutMs: options.bodyIdleTimeoutMs, pipeline, metrics: options.metrics, streaming };
  const graphqlCors = options.cors ? compileCors(options.cors) : undefined;
  const adminCors = admin && options.adminCors ? compileCors(options.adminCors) : undefined;
  const handler = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    inFlight++;
    res.once('close', () => inFlight--);
    try {
      const path = (req.url ?? '/').split('?')[0];
      const facts = path !== '/health' && path !== '/ready' && path !== options.metricsRoute?.path ? beginRequest(req, res, options.logger, options.accessLog) : undefined;
      // CORS before anything else on its paths: preflights are answered here, and every answer below, refusals
      // included, carries the headers (see cors.ts).
      const cors = path === '/graphql' ? graphqlCors : path?.startsWith('/admin/') ? adminCors : undefined;
      if (cors?.(req, res)) return;
      // Header floods: many small headers fit in maxHeaderBytes yet each is parsed, copied and walked. Node's
      // own maxHeadersCount drops the extra ones silently; here they are refused, on every path.
      if (req.rawHeaders.length / 2 > options.maxHeaders) {
        if (path === '/graphql') options.metrics?.httpRequest({ operationName: '', operationType: 'unknown', status: 431, clientName: undefined, seconds: 0, codes: ['REQUEST_HEADER_FIELDS_TOO_LARGE'] });
        return sendJson(res, 431, errorBody('REQUEST_HEADER_FIELDS_TOO_LARGE', `More than ${options.maxHeaders} request headers (server.maxHeaders).`), true);
      }
      if (path === '/graphql') {
        const apollo = options.apollo();
        if (!apollo) {
          options.metrics?.httpRequest({ operationName: '', operationType: 'unknown', status: 503, clientName: undefined, seconds: 0, codes: ['SCHEMA_NOT_LOADED'] });
          return sendJson(res, 503, errorBody('SCHEMA_NOT_LOADED', 'No supergraph is loaded yet; try again shortly.'));
        }
        return await handleGraphQL(apollo, req, res, { ...graphql, requestFacts: facts });
      }
      if (options.metricsRoute && path === options.metricsRoute.path) return await options.metricsRoute.handle(req, res);
      if (path === '/health' && (req.method === 'GET' || req.method === 'HEAD')) {
        const id = options.supergraphId();
        const ok = id !== undefined && options.apollo() !== undefined;
        const store = { backend: options.store.kind, available: options.store.available() };
        const workers = options.workers?.().summary;
        return sendJson(res, ok ? 200 : 503, JSON.stringify(ok ? { status: 'ok', supergraph: id, store, workers } : { status: 'loading', workers }));
      }
      // Readiness for orchestrators: a supergraph is being served and, with Redis configured, Redis answers; with
      // --workers, every worker serves the same supergraph.
      if (path === '/ready' && (req.method === 'GET' || req.method === 'HEAD')) {
        const supergraph = options.supergraphId() !== undefined && options.apollo() !== undefined;
        const store = options.store.kind !== 'redis' || options.store.available();
        const workers = options.workers?.();
        const ready = supergraph && store && (workers?.ready ?? true);
        const body = { status: ready ? 'ready' : 'not ready', supergraph, store: { backend: options.store.kind, available: options.store.available() }, workers: workers?.summary };
        return sendJson(res, ready ? 200 : 503, JSON.stringify(body));
      }
      if (admin && (await admin(req, res, path as string))) return;
      // Someone typed the gateway's address into a browser: show them the landing page rather than a JSON 404.
      if (path === '/' && options.landingPage && (req.method === 'GET' || req.method === 'HEAD') && /text\/html/.test(req.headers.accept ?? '')) {
        res.writeHead(302, { location: '/graphql' }).end();
        return;
      }
      return sendJson(res, 404, errorBody('NOT_FOUND', `No route for ${req.method ?? 'GET'} ${path}.`));
    } catch (err) {
      // The client left mid-body: nobody to answer, nothing went wrong here.
      if (err instanceof BodyAborted) {
        options.logger.debug({ path: (req.url ?? '/').split('?')[0] }, 'the client closed the connection before the whole request body arrived');
        return void res.destroy();
      }
      options.logger.error({ err }, 'unhandled error while answering an HTTP request');
      if (!res.headersSent) sendJson(res, 500, errorBody('INTERNAL_SERVER_ERROR', 'Internal server error'));
      else res.destroy();
    }
  };
  // Node checks the header and request deadlines every connectionsCheckingInterval (30 s by default): once a
  // second, so a slow-loris connection is cut close to its deadline.
  const limits = { maxHeaderSize: options.maxHeaderBytes, connectionsCheckingInterval: 1000 };
  const server: Server = options.tls
    ? createTlsServer({ ...limits, cert: readFileSync(options.tls.certFile), key: readFileSync(options.tls.keyFile) }, handler)
    : createServer(limits, handler);
  // GraphQL over WebSocket on /graphql: same port, same pipeline (websocketTransport.ts).
  const websockets = options.streaming
    ? createWebSocketTransport({
        pipeline,
        apollo: options.apollo,
        subscriptions: options.streaming.subscriptions,
        streams: options.streaming.streams,
        tokenHeader: options.streaming.tokenHeader,
        cors: options.cors,
        maxHeaders: options.maxHeaders,
        logger: options.logger,
        accessLog: options.accessLog,
        metrics: options.metrics,
      })
    : undefined;
  if (websockets) server.on('upgrade', websockets.upgrade);
  // Slow-loris defences: a client must send headers and the whole request in bounded time.
  server.requestTimeout = options.requestTimeoutMs;
  server.headersTimeout = Math.min(options.requestTimeoutMs, options.headersTimeoutMs);
  server.keepAliveTimeout = options.keepAliveTimeoutMs;
  // One header over the bound is enough to refuse; Node need not keep the rest of a flood.
  server.maxHeadersCount = options.maxHeaders + 1;
  return { server, inFlight: () => inFlight, closeWebSockets: async (deadline) => websockets?.close(deadline) };
}
