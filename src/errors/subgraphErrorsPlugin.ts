import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import type { SubgraphErrorPolicy } from './subgraphErrors';
import type { Logger, RequestFacts } from '../observability';

/** Originals logged per response at most (a subgraph failing every entity of a long list is one story). */
const MAX_LOGGED = 10;

/**
 * Applies the subgraph error policy (errors/subgraphErrors.ts) to the response's errors as Apollo Server sends
 * them — after the error formatter, whichever executor produced them — and logs what it withheld with the
 * request id, so an operator can find the original from a client's report. Runs in `willSendResponse`, where
 * the request's context (and so its id) is at hand, unlike in `formatError`.
 */
export function subgraphErrorsPlugin(policy: SubgraphErrorPolicy, logger: Logger): ApolloServerPlugin<{ requestFacts?: RequestFacts }> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse(rc) {
          const body = rc.response.body;
          const result = body.kind === 'single' ? body.singleResult : body.initialResult;
          if (!result.errors) return;
          const originals: GraphQLFormattedError[] = [];
          const errors = result.errors.map((error) => {
            const outcome = policy(error);
            if (outcome.redacted) originals.push(error);
            return outcome.error;
          });
          if (originals.length === 0) return;
          result.errors = errors;
          logger.warn(
            { requestId: rc.contextValue.requestFacts?.requestId, redacted: originals.length, errors: originals.slice(0, MAX_LOGGED) },
            'subgraph errors redacted',
          );
        },
      };
    },
  };
}
