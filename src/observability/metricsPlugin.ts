import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import type { Metrics } from './metrics';

/**
 * Records every GraphQL request Apollo Server answers: count and duration by operation, type, HTTP status and
 * client (names bounded, see LabelCap), and each error code the response carries. Requests refused by the
 * HTTP layer before Apollo Server (401, 413, 429, …) are recorded there with the same `httpRequest`.
 */
export function metricsPlugin(options: { metrics: Metrics; supergraphOf?: (schema: GraphQLSchema) => string | undefined }): ApolloServerPlugin<{ variant?: string | undefined }> {
  const { metrics, supergraphOf } = options;
  if (!metrics.enabled) return {};
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse(rc) {
          const { body } = rc.response;
          const errors = body.kind === 'single' ? body.singleResult.errors : body.initialResult.errors;
          let codes: Set<string> | undefined;
          if (errors) {
            codes = new Set();
            for (const error of errors) {
              const code = error.extensions?.code;
              if (typeof code === 'string') codes.add(code);
            }
            // Only the cost budgets refuse inside Apollo Server; request budgets are spent in the HTTP layer.
            if (codes.has('RATE_LIMITED')) metrics.rateLimited('cost');
          }
          metrics.httpRequest({
            operationName: rc.operationName,
            operationType: rc.operation?.operation ?? 'unknown',
            status: rc.response.http.status ?? 200,
            clientName: rc.request.http?.headers.get('apollographql-client-name'),
            seconds: (performance.now() - started) / 1000,
            variant: rc.contextValue.variant ?? 'stable',
            supergraph: supergraphOf?.(rc.schema)?.slice(0, 12) ?? '',
            ...(codes ? { codes } : {}),
          });
        },
      };
    },
  };
}
