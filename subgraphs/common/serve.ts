import './telemetry';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControl } from '@apollo/server/plugin/cacheControl';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginInlineTrace } from '@apollo/server/plugin/inlineTrace';
import type { SubgraphContext } from './context';
import type { PubSubOptions, SubgraphDefinition } from './definition';
import { createGraphQLHandler } from './http';
import type { SubgraphName } from './names';
import { serveSubscriptions, type SubscriptionServer } from './subscriptions';

const GRAPHQL_PATH = '/graphql';
/** Loopback by default: sample subgraphs hold no secrets, but need not face the network. */
const DEFAULT_HOST = '127.0.0.1';
/** Entity batches from the gateway are the largest bodies; 1 MiB fits thousands of keys. */
const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export interface ServeOptions {
  /** 0 (the default) lets the OS pick a free port; read it back from `RunningSubgraph.port`. */
  readonly port?: number;
  readonly host?: string;
  readonly maxBodyBytes?: number;
  /** How long `stop()` lets in-flight requests finish before cutting connections. */
  readonly stopGracePeriodMs?: number;
  /** Where subscription events are shared (Redis or in-process); only reviews has subscriptions. */
  readonly pubSub?: PubSubOptions;
  /** Inventory's deliberate `shippingEstimate` delay (see BuildOptions); other subgraphs ignore it. */
  readonly shippingDelayMs?: number;
}

export interface RunningSubgraph<TDataLayer = unknown> {
  readonly name: SubgraphName;
  /** `http://<host>:<port>/graphql`, with the port actually bound. */
  readonly url: string;
  readonly port: number;
  readonly dataLayer: TDataLayer;
  /** Stops Apollo and closes the listener and every socket. Safe to call more than once. */
  stop(): Promise<void>;
}

export async function serveSubgraph<TDataLayer, TContext extends SubgraphContext>(
  definition: SubgraphDefinition<TDataLayer, TContext>,
  options: ServeOptions = {},
): Promise<RunningSubgraph<TDataLayer>> {
  const host = options.host ?? DEFAULT_HOST;
  const instance = definition.build({ pubSub: options.pubSub, shippingDelayMs: options.shippingDelayMs });
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const graceMs = options.stopGracePeriodMs ?? 5_000;
  const httpServer = createServer();
  const apollo = new ApolloServer<TContext>({
    schema: instance.schema,
    // Subgraph errors travel through the gateway to clients; stack traces must not.
    includeStacktraceInErrorResponses: false,
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      // Apollo installs this for subgraphs anyway (ftv1 traces, only when the gateway asks);
      // naming it here just stops the "Enabling inline tracing" log line on every start.
      ApolloServerPluginInlineTrace(),
      // Installed by default too; named because the gateway's response and entity caches depend on it: it
      // turns the schema's @cacheControl hints into the Cache-Control header. Unhinted root fields and
      // object-returning fields count as maxAge 0, so an answer is uncacheable unless the schema says so.
      ApolloServerPluginCacheControl({ defaultMaxAge: 0, calculateHttpHeaders: true }),
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: graceMs }),
      ...(instance.plugins ?? []),
    ],
  });
  httpServer.on(
    'request',
    createGraphQLHandler(apollo, {
      path: GRAPHQL_PATH,
      maxBodyBytes,
      context: async (req) => instance.createContext({ headers: req.headers }),
    }),
  );
  // Subscriptions (graphql-ws over WebSocket) on the same port and path, for schemas that have them.
  const subscriptions: SubscriptionServer | undefined = instance.schema.getSubscriptionType()
    ? serveSubscriptions(httpServer, {
        path: GRAPHQL_PATH,
        schema: instance.schema,
        maxPayloadBytes: maxBodyBytes,
        createContext: (request) => instance.createContext(request),
      })
    : undefined;

  await apollo.start();
  try {
    await instance.start?.();
  } catch (error) {
    await apollo.stop();
    await instance.stop?.();
    throw error;
  }
  try {
    await listen(httpServer, options.port ?? 0, host);
  } catch (error) {
    await apollo.stop();
    await instance.stop?.();
    throw new Error(`${definition.name}: cannot listen on ${host}:${options.port ?? 0}: ${describe(error)}`);
  }

  const { port } = httpServer.address() as AddressInfo;
  let stopping: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    // The drain plugin closes the listener and waits for in-flight requests (bounded by the
    // grace period); closing what is left guarantees no socket keeps the process alive.
    // Upgraded (WebSocket) sockets are no longer the HTTP server's: close them first.
    try {
      await subscriptions?.stop(graceMs);
      await apollo.stop();
    } finally {
      httpServer.closeAllConnections();
      await instance.stop?.();
    }
  };
  return {
    name: definition.name,
    url: `http://${urlHost(host)}:${port}${GRAPHQL_PATH}`,
    port,
    dataLayer: instance.dataLayer,
    stop: () => (stopping ??= stop()),
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Wildcard binds are reachable on loopback; IPv6 literals need brackets in a URL. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') return 'address already in use';
  return error instanceof Error ? error.message : String(error);
}
