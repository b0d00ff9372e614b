import type { ApolloServerPlugin } from '@apollo/server';
import { tracer, type TraceSpan } from './tracing';

/** What the HTTP layer puts in the request context for tracing: the request's span (`graphql.request`). */
export interface TracingContext {
  span?: TraceSpan | undefined;
}

/**
 * Spans for Apollo Server's own phases, children of the request span: `graphql.parse` and `graphql.validate`
 * (absent when Apollo Server's document cache already holds the operation), and the operation's name and type
 * on the request span once it is resolved. Only added to the server when tracing is on.
 */
export function tracingPlugin(): ApolloServerPlugin<TracingContext> {
  return {
    async requestDidStart({ contextValue }) {
      const request = contextValue.span;
      if (!request) return undefined;
      return {
        async parsingDidStart() {
          const span = tracer.startSpan('graphql.parse', request);
          return async (error) => {
            if (error) span.recordError(error);
            span.end();
          };
        },
        async validationDidStart() {
          const span = tracer.startSpan('graphql.validate', request);
          return async (errors) => {
            if (errors && errors.length > 0) {
              span.setAttribute('graphql.validation.errors', errors.length);
              span.recordError(errors[0]);
            }
            span.end();
          };
        },
        async didResolveOperation({ operationName, operation }) {
          if (operationName) request.setAttribute('graphql.operation.name', operationName);
          if (operation) request.setAttribute('graphql.operation.type', operation.operation);
        },
      };
    },
  };
}
