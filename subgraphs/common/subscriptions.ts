import type { IncomingHttpHeaders, Server } from 'node:http';
import type { GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/lib/use/ws';
import { WebSocketServer } from 'ws';
import type { RequestInfo } from './definition';

/** The key, in a graphql-ws connection_init payload, of the gateway-signed identity (as the HTTP header). */
export const IDENTITY_PARAM = 'x-junction-identity';

export interface SubscriptionServerOptions {
  readonly path: string;
  readonly schema: GraphQLSchema;
  /** Message flooding: one huge frame is buffered whole by `ws` (100 MiB by default); cap it like HTTP bodies. */
  readonly maxPayloadBytes: number;
  readonly createContext: (request: RequestInfo) => object;
}

export interface SubscriptionServer {
  /** Closes every socket (1001 Going Away; cut after `graceMs`) and stops taking new ones. */
  stop(graceMs: number): Promise<void>;
}

/**
 * Serves subscriptions over graphql-ws (the `graphql-transport-ws` subprotocol) on the HTTP server's own
 * port and path: WebSocket upgrades to `path` are taken here, plain requests still reach Apollo.
 */
export function serveSubscriptions(httpServer: Server, options: SubscriptionServerOptions): SubscriptionServer {
  const wsServer = new WebSocketServer({ server: httpServer, path: options.path, maxPayload: options.maxPayloadBytes });
  const disposable = useServer(
    {
      schema: options.schema,
      context: (ctx) => options.createContext({ headers: subscriptionHeaders(ctx.extra.request.headers, ctx.connectionParams) }),
    },
    wsServer,
  );
  return {
    async stop(graceMs) {
      // A client that never answers the close handshake must not hold the process open.
      const cut = setTimeout(() => {
        for (const socket of wsServer.clients) socket.terminate();
      }, graceMs);
      try {
        await disposable.dispose();
      } finally {
        clearTimeout(cut);
      }
    },
  };
}

/**
 * The headers a subscription's context sees: the upgrade request's, with the identity token from the
 * connection_init payload when it carries one (browsers cannot set headers on a WebSocket; the gateway
 * sends it there). The token is verified like the HTTP header (`viewerId`): a caller reaching the
 * subgraph directly cannot claim to be anyone by putting a value here.
 */
export function subscriptionHeaders(upgradeHeaders: IncomingHttpHeaders, connectionParams: unknown): IncomingHttpHeaders {
  const params = typeof connectionParams === 'object' && connectionParams !== null ? (connectionParams as Record<string, unknown>) : {};
  const token = params[IDENTITY_PARAM];
  return typeof token === 'string' ? { ...upgradeHeaders, [IDENTITY_PARAM]: token } : { ...upgradeHeaders };
}
