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
}

export interface SubgraphDefinition<TDataLayer = unknown, TContext extends SubgraphContext = SubgraphContext> {
  readonly name: SubgraphName;
  readonly typeDefs: DocumentNode;
  /** Each call returns a fresh instance, so two servers never share state. */
  build(): SubgraphInstance<TDataLayer, TContext>;
}
