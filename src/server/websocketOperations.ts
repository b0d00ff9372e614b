import { HeaderMap } from '@apollo/server';
import { GraphQLSchema, parse, type ExecutionArgs, type ExecutionResult, type GraphQLError, type GraphQLFormattedError } from 'graphql';
import { makeServer, type ServerOptions, type SubscribeMessage } from 'graphql-ws';
import { beginOperation, tracer, type Logger, type Metrics } from '../observability';
import type { createPipeline, OperationRequest, OperationStream, PipelineAnswer, Engines } from '../pipeline';
import { ERROR_CODES, type ErrorCode } from '../errors';
import { CLOSE, closeReason, type WebSocketConnection } from './websocketConnection';
import { Delivery } from './websocketDelivery';

type Pipeline = ReturnType<typeof createPipeline>;
type Extra = { connection: WebSocketConnection };

export interface WebSocketOperationsOptions {
  pipeline: Pipeline;
  apollo: () => Engines | undefined;
  /** subscriptions.connectionInitTimeoutMs: no connection_init by then → close 4408. */
  connectionInitTimeoutMs: number;
  /** auth.header: connection_init's `Authorization` becomes this header of every operation. */
  tokenHeader: string;
  /** subscriptions.maxPerConnection: operations running at once on one socket. */
  maxPerConnection: number;
  logger: Logger;
  accessLog: boolean;
  metrics: Metrics | undefined;
}

// graphql-ws decides between `subscribe` and `execute` from a document; every operation here is answered by the
// pipeline instead, so graphql-ws is handed this placeholder and the pipeline's results through `subscribe`.
const DELIVERY = parse('subscription Delivery { delivered }');
const NO_SCHEMA = new GraphQLSchema({});

// Upgrade headers that describe the WebSocket handshake, not the operation (nor anything to forward).
const HANDSHAKE_HEADERS = ['connection', 'upgrade', 'sec-websocket-key', 'sec-websocket-version', 'sec-websocket-extensions', 'sec-websocket-protocol', 'content-length'];

const coded = (code: ErrorCode, message: string): readonly GraphQLError[] => [{ message, extensions: { code } }] as unknown as readonly GraphQLError[];

/**
 * The graphql-ws protocol (library: graphql-ws's makeServer) bound to the pipeline: credentials checked once at
 * connection_init, then every `subscribe` message runs the whole pipeline (`transport: 'websocket'`) — rate
 * limits, persisted operations, limits, cost and authorization apply to each operation as over HTTP.
 */
export function webSocketOperations(options: WebSocketOperationsOptions): ReturnType<typeof makeServer<Record<string, unknown>, Extra>> {
  const serverOptions: ServerOptions<Record<string, unknown>, Extra> = {
    connectionInitWaitTimeout: options.connectionInitTimeoutMs,
    async onConnect(ctx) {
      const connection = ctx.extra.connection;
      connection.headers = operationHeaders(connection, ctx.connectionParams, options.tokenHeader);
      const refused = await options.pipeline.authenticate(requestOf(connection, undefined), 'websocket');
      if (!refused) return true;
      // graphql-ws closes 4403 on `false`; a missing or bad token is 4401, closed here first (the second close is ignored).
      connection.socket.close(refused.status === 401 ? CLOSE.UNAUTHORIZED : CLOSE.FORBIDDEN, closeReason(refused.code, refused.message));
      return false;
    },
    async onSubscribe(ctx, message) {
      const connection = ctx.extra.connection;
      const { id } = message;
      const record = beginOperation(options.logger, options.accessLog, 'websocket', connection.id);
      const started = performance.now();
      // Refused before the pipeline: logged and counted like the pipeline's refusals.
      const refuse = (code: ErrorCode, text: string): readonly GraphQLError[] => {
        record.facts.errors = [code];
        options.metrics?.httpRequest({ operationName: '', operationType: 'unknown', status: ERROR_CODES[code].status, clientName: connection.headers?.get('apollographql-client-name'), seconds: (performance.now() - started) / 1000, codes: [code] });
        record.end({ events: 0, reason: code });
        return coded(code, text);
      };
      if (connection.shuttingDown) return refuse('SHUTTING_DOWN', 'The gateway is stopping.');
      // Resource exhaustion: each operation holds a pipeline run, and a subscription an upstream share.
      if (connection.active.size >= options.maxPerConnection) return refuse('SUBSCRIPTION_LIMIT', `More than ${options.maxPerConnection} operations on one connection (subscriptions.maxPerConnection).`);
      const apollo = options.apollo();
      if (!apollo) return refuse('SCHEMA_NOT_LOADED', 'No supergraph is loaded yet; try again shortly.');
      connection.active.set(id, undefined);
      const end = (reason: string, events: number): void => {
        record.end({ events, reason: connection.endReason ?? reason });
        connection.operationEnded(id);
      };
      let answer: PipelineAnswer;
      const span = tracer.enabled ? tracer.startSpan('graphql.request', undefined, 'server') : undefined;
      span?.setAttribute('junction.transport', 'websocket');
      try {
        answer = await options.pipeline.run(apollo, requestOf(connection, message.payload), { requestFacts: record.facts, span, transport: 'websocket' });
      } catch (err) {
        span?.recordError(err);
        end('INTERNAL_SERVER_ERROR', 0);
        throw err;
      } finally {
        span?.end();
      }
      if (answer.refused) {
        const { code, message: text } = answer.refused;
        connection.operationEnded(id);
        // The connection's credentials no longer pass (expired since connection_init): the client must reconnect.
        if (code === 'UNAUTHENTICATED') setImmediate(() => connection.socket.close(CLOSE.UNAUTHORIZED, closeReason(code, text)));
        return refuse(code, text);
      }
      // The client completed the operation, or left, while the pipeline ran: nothing to deliver.
      if (!(id in ctx.subscriptions)) {
        answer.stream?.close();
        end('client', 0);
        return coded('INTERNAL_SERVER_ERROR', 'cancelled');
      }
      if (answer.stream) {
        connection.active.set(id, answer.stream);
        // A subscription's access-log line is the gateway's, written when it ends (gateway/subscriptions).
        return deliveryArgs(streamDelivery(connection, id, answer.stream));
      }
      const single = singleResult(answer.response);
      // Errors before execution (parse, validation, a subscription the engine refused) are graphql-ws `error`s.
      if (!('data' in single)) {
        end(single.errors?.[0] ? String(single.errors[0].extensions?.code ?? 'INTERNAL_SERVER_ERROR') : 'complete', 0);
        return (single.errors?.length ? single.errors : coded('INTERNAL_SERVER_ERROR', 'Internal server error')) as readonly GraphQLError[];
      }
      return deliveryArgs(Delivery.single(single as ExecutionResult, end));
    },
    subscribe: (args) => args.contextValue as Delivery,
  };
  return makeServer(serverOptions);
}

/**
 * A subscription's delivery, made outside onSubscribe on purpose: closures share their function's context, so
 * ones made there would keep the whole request (its log record, the pipeline's answer) alive for as long as the
 * subscription lasts — memory per idle subscriber.
 */
function streamDelivery(connection: WebSocketConnection, id: string, stream: OperationStream): Delivery {
  return new Delivery(stream, () => stream.close(), () => connection.operationEnded(id), { id, write: (frame) => void connection.send(frame) });
}

/** The placeholder execution arguments carrying the delivery to `subscribe`. */
function deliveryArgs(delivery: Delivery): ExecutionArgs {
  return { schema: NO_SCHEMA, document: DELIVERY, contextValue: delivery };
}

/**
 * The operation's headers: the upgrade request's, with connection_init's `Authorization` over the token header
 * (browsers cannot set headers on a WebSocket, so clients send credentials in connection_init).
 */
function operationHeaders(connection: WebSocketConnection, params: Readonly<Record<string, unknown>> | undefined, tokenHeader: string): HeaderMap {
  const headers = new HeaderMap();
  // Read once, at connection_init (graphql-ws refuses a second one): the request is not needed after this.
  const upgradeHeaders = connection.request?.headers ?? {};
  connection.request = undefined;
  for (const [name, value] of Object.entries(upgradeHeaders)) {
    if (value !== undefined && !HANDSHAKE_HEADERS.includes(name)) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const authorization = params?.['Authorization'] ?? params?.['authorization'];
  if (typeof authorization === 'string') headers.set(tokenHeader.toLowerCase(), authorization);
  // Each message is one JSON operation, as an application/json POST is over HTTP (Apollo Server's CSRF check).
  headers.set('content-type', 'application/json');
  headers.delete('accept');
  return headers;
}

function requestOf(connection: WebSocketConnection, payload: SubscribeMessage['payload'] | undefined): OperationRequest {
  // A copy per operation: stages may rewrite a request's headers.
  const headers = new HeaderMap(connection.headers ?? []);
  // graphql-ws requires `query` to be a string, so clients that send only a persisted-operation id send '':
  // that is no query text (an id alone), as an absent `query` is over HTTP.
  const body = payload?.query === '' ? { ...payload, query: undefined } : payload;
  return { method: 'POST', headers, search: '', body, remoteAddress: connection.remoteAddress };
}

function singleResult(response: Extract<PipelineAnswer, { refused: undefined }>['response']): { data?: unknown; errors?: GraphQLFormattedError[] } {
  if (response.body.kind !== 'complete') return { errors: [{ message: 'Incremental delivery is not available over WebSocket.', extensions: { code: 'OPERATION_NOT_SUPPORTED' } }] };
  try {
    return JSON.parse(response.body.string) as { data?: unknown; errors?: GraphQLFormattedError[] };
  } catch {
    return { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] };
  }
}
