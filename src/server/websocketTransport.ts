import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { STATUS_CODES } from 'node:http';
import { handleProtocols } from 'graphql-ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { CorsSettings, JunctionConfig } from '../config';
import { errorBody, type ErrorCode } from '../errors';
import type { Logger, Metrics } from '../observability';
import type { createPipeline, Engines } from '../pipeline';
import { compileOriginCheck } from './cors';
import type { StreamConnections } from './streamConnections';
import { CLOSE, closeReason, KeepAlive, WebSocketConnection } from './websocketConnection';
import { webSocketOperations } from './websocketOperations';

export interface WebSocketTransportOptions {
  pipeline: ReturnType<typeof createPipeline>;
  apollo: () => Engines | undefined;
  subscriptions: JunctionConfig['subscriptions'];
  /** The one bound on long-lived connections, shared with the SSE and multipart transports. */
  streams: StreamConnections;
  /** `auth.header`: where connection_init's Authorization goes in every operation's headers. */
  tokenHeader: string;
  /** `cors`: the origins whose pages may open a socket (undefined: same-origin pages only). */
  cors: CorsSettings | undefined;
  /** server.maxHeaders: a header flood is refused on upgrade as on any request. */
  maxHeaders: number;
  logger: Logger;
  accessLog: boolean;
  metrics: Metrics | undefined;
}

export interface WebSocketTransport {
  /** The HTTP server's 'upgrade' listener. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Shutdown, after StreamConnections.closeAll(): waits for the sockets to close 1001, terminates the rest at `deadline`. */
  close(deadline: number): Promise<void>;
}

/**
 * GraphQL over WebSocket (`graphql-transport-ws`) on /graphql, the same port as HTTP: the upgrade is checked
 * (path, subscriptions on, a supergraph served, the page's Origin, header count) before any socket is made,
 * then the connection takes a slot of `subscriptions.maxConnections` and speaks graphql-ws
 * (websocketOperations.ts) with every operation run through the pipeline.
 */
export function createWebSocketTransport(options: WebSocketTransportOptions): WebSocketTransport {
  const settings = options.subscriptions;
  // perMessageDeflate off: compression costs memory per socket and invites compression-bomb messages.
  const wss = new WebSocketServer({ noServer: true, maxPayload: settings.maxMessageBytes, perMessageDeflate: false, handleProtocols: (protocols) => handleProtocols(protocols) });
  const protocol = webSocketOperations({
    pipeline: options.pipeline,
    apollo: options.apollo,
    connectionInitTimeoutMs: settings.connectionInitTimeoutMs,
    tokenHeader: options.tokenHeader,
    maxPerConnection: settings.maxPerConnection,
    logger: options.logger,
    accessLog: options.accessLog,
    metrics: options.metrics,
  });
  const originAllowed = options.cors ? compileOriginCheck(options.cors) : () => false;

  const keepAlive = new KeepAlive(settings.keepAliveMs);
  const connected = (socket: WebSocket, req: IncomingMessage): void => {
    let connection: WebSocketConnection | undefined;
    const release = options.streams.tryOpen(() => connection?.shutdown());
    if (!release) {
      const stopping = options.streams.stopping;
      socket.close(stopping ? CLOSE.GOING_AWAY : CLOSE.OVERLOADED, stopping ? closeReason('SHUTTING_DOWN', 'the gateway is stopping') : closeReason('SUBSCRIPTION_LIMIT', 'too many connections (subscriptions.maxConnections)'));
      return;
    }
    connection = new WebSocketConnection(socket, req, { keepAlive, maxBufferedBytes: settings.maxBufferedBytes, logger: options.logger });
    const open = connection;
    options.metrics?.streamConnection('websocket', 1);
    const closed = protocol.opened(
      {
        protocol: socket.protocol,
        send: (data) => open.send(data),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (handle) =>
          socket.on('message', (data: Buffer) => {
            handle(data.toString('utf8')).catch((err: unknown) => {
              options.logger.error({ err, connectionId: open.id }, 'websocket message failed');
              socket.close(CLOSE.INTERNAL_ERROR, closeReason('INTERNAL_SERVER_ERROR', 'Internal server error'));
            });
          }),
      },
      { connection: open },
    );
    // 1009 for an oversized message, protocol errors: ws closes the socket itself; they are not ours to log loudly.
    socket.on('error', (err) => options.logger.debug({ err, connectionId: open.id }, 'websocket error'));
    socket.once('close', (code, reason) => {
      open.closed();
      release();
      options.metrics?.streamConnection('websocket', -1);
      void closed(code, reason.toString()).catch((err: unknown) => options.logger.error({ err }, 'websocket close handling failed'));
    });
  };

  return {
    upgrade(req, socket, head) {
      const refused = refusal(req, options, originAllowed);
      if (refused) return refuseUpgrade(socket, refused);
      wss.handleUpgrade(req, socket, head, (ws) => connected(ws, req));
    },
    async close(deadline) {
      while (wss.clients.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      for (const socket of wss.clients) socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

type UpgradeRefusal = { status: number; code: ErrorCode; message: string };

function refusal(req: IncomingMessage, options: WebSocketTransportOptions, originAllowed: (origin: string) => boolean): UpgradeRefusal | undefined {
  const path = (req.url ?? '/').split('?')[0];
  if (path !== '/graphql') return { status: 404, code: 'NOT_FOUND', message: `No WebSocket route at ${path}.` };
  if (req.rawHeaders.length / 2 > options.maxHeaders) return { status: 431, code: 'REQUEST_HEADER_FIELDS_TOO_LARGE', message: `More than ${options.maxHeaders} request headers (server.maxHeaders).` };
  if (!options.subscriptions.enabled) return { status: 400, code: 'OPERATION_NOT_SUPPORTED', message: 'WebSocket connections are off (subscriptions.enabled: false).' };
  // Cross-site WebSocket hijacking: browsers send Origin on every WebSocket and apply no same-origin policy to
  // it, so a page elsewhere could open one with its visitor's cookies. Without Origin (servers, tools): allowed.
  const origin = req.headers.origin;
  if (origin !== undefined && !originAllowed(origin) && !sameOrigin(origin, req)) return { status: 403, code: 'ORIGIN_NOT_ALLOWED', message: `Origin ${origin} may not open a WebSocket (cors).` };
  if (!options.apollo()) return { status: 503, code: 'SCHEMA_NOT_LOADED', message: 'No supergraph is loaded yet; try again shortly.' };
  return undefined;
}

/** A page served by the gateway's own host (the landing page) is not cross-site. */
function sameOrigin(origin: string, req: IncomingMessage): boolean {
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/** An HTTP answer on the raw socket (no WebSocket was made), JSON with a code like every other refusal. */
function refuseUpgrade(socket: Duplex, refused: UpgradeRefusal): void {
  const body = errorBody(refused.code, refused.message);
  const head = [`HTTP/1.1 ${refused.status} ${STATUS_CODES[refused.status] ?? ''}`, 'content-type: application/json; charset=utf-8', `content-length: ${Buffer.byteLength(body)}`, 'connection: close'];
  if (socket.writable) socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
  else socket.destroy();
}
