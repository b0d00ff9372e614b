import type { ApolloServerPlugin } from '@apollo/server';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import type { SubgraphContext } from './context';
import type { SubgraphName } from './names';

/** What the HTTP layer knows about a request when it asks for a context. */
export interface RequestInfo {
  readonly headers: SubgraphContext['headers'];
}

/** One independent copy of a subgraph: its own data (including in-memory writes) and schema. */
export interface SubgraphInstance<TDataLayer, TContext extends SubgraphContext = SubgraphContext> {
  readonly schema: GraphQLSchema;
  /** Exposed so tests can read call counters; resolvers reach it only through the context. */
  readonly dataLayer: TDataLayer;
  /** Called once per HTTP request: DataLoader caches must never outlive a request. */
  createContext(request: RequestInfo): TContext;
  /** Apollo Server plugins of this subgraph's own (e.g. accounts: every answer is private). */
  readonly plugins?: readonly ApolloServerPlugin[];
  /** Called before the server listens (e.g. to connect to Redis); a rejection stops the start. */
  start?(): Promise<void>;
  /** Called when the server stops, after its sockets are closed. */
  stop?(): Promise<void>;
}

/** Where a subgraph with subscriptions shares its events (reviews' `reviewAdded`). */
export interface PubSubOptions {
  /** Redis pub/sub at this URL, so every replica's subscribers see every replica's events; in-process when unset. */
  readonly redisUrl?: string;
  /** Prefix of the Redis channel names (default `junction:subgraphs:`). */
  readonly channelPrefix?: string;
}

export interface BuildOptions {
  readonly pubSub?: PubSubOptions;
  /** Milliseconds inventory waits before resolving each `shippingEstimate` (the @defer demo's slow field; 0 = none). */
  readonly shippingDelayMs?: number;
}

export interface SubgraphDefinition<TDataLayer = unknown, TContext extends SubgraphContext = SubgraphContext> {
  readonly name: SubgraphName;
  readonly typeDefs: DocumentNode;
  /** Each call returns a fresh instance, so two servers never share state. */
  build(options?: BuildOptions): SubgraphInstance<TDataLayer, TContext>;
}
