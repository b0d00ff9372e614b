import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import type { RequestFacts } from './accessLog';

export interface AccessLogPluginOptions {
  /** The response cache is on: a response without `Age` was a miss. */
  responseCache: boolean;
  /** The id of the supergraph a client-facing schema belongs to. */
  supergraphOf?: (schema: GraphQLSchema) => string | undefined;
}

/**
 * Fills the request's access-log record (see accessLog.ts) with what only Apollo Server and the gateway know:
 * the operation, the client, the cost, the cache outcome, the subgraphs and the error codes.
 */
export function accessLogPlugin(options: AccessLogPluginOptions): ApolloServerPlugin<{ requestFacts?: RequestFacts | undefined; plannedSubgraphs?: readonly string[] | undefined; estimatedCost?: number | undefined; variant?: string | undefined }> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse(rc) {
          const facts = rc.contextValue.requestFacts;
          if (!facts) return;
          const headers = rc.request.http?.headers;
          facts.operationName = rc.operationName ?? undefined;
          facts.operationHash = rc.queryHash;
          facts.operationType = rc.operation?.operation;
          facts.clientName = headers?.get('apollographql-client-name') ?? undefined;
          facts.clientVersion = headers?.get('apollographql-client-version') ?? undefined;
          facts.cost = rc.contextValue.estimatedCost;
          if (options.responseCache && rc.operation?.operation === 'query') facts.cache = rc.response.http.headers.has('age') ? 'hit' : 'miss';
          facts.subgraphs = rc.contextValue.plannedSubgraphs;
          facts.variant = rc.contextValue.variant ?? 'stable';
          facts.supergraph = options.supergraphOf?.(rc.schema)?.slice(0, 12);
          const body = rc.response.body;
          const errors = body.kind === 'single' ? body.singleResult.errors : undefined;
          if (errors) facts.errors = [...new Set(errors.map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR')))];
        },
      };
    },
  };
}
