import type { GraphQLError, GraphQLFormattedError } from 'graphql';
import type { Logger } from '../observability';
import { createErrorFormatter } from './formatError';
import type { SubgraphErrorPolicy } from './subgraphErrors';

/**
 * The errors of a result Junction sends itself (a subscription's events), formatted exactly as Apollo Server
 * formats a response's: the one error formatter (codes, internals masked), then the subgraph error policy.
 */
export function createResultErrorFormatter(options: { suggestions: boolean; logger: Logger; policy: SubgraphErrorPolicy | undefined }): (errors: readonly GraphQLError[]) => GraphQLFormattedError[] {
  const format = createErrorFormatter(options);
  const policy = options.policy;
  return (errors) =>
    errors.map((error) => {
      const formatted = format(error.toJSON(), error);
      return policy ? policy(formatted).error : formatted;
    });
}
