import { ApolloServerErrorCode } from '@apollo/server/errors';
import { GraphQLError } from 'graphql';

/** Errors the caller can fix; the code lets the gateway and clients tell them from bugs. */
export function badUserInput(message: string, field?: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: ApolloServerErrorCode.BAD_USER_INPUT, ...(field ? { field } : {}) },
  });
}

/**
 * Validates a `first:` page size. Negative sizes are rejected rather than treated as 0 so a
 * client bug is visible; oversize requests are clamped because "all of them" is a fair answer.
 */
export function pageSize(first: number | null | undefined, fallback: number, max: number): number {
  const size = first ?? fallback;
  if (!Number.isInteger(size) || size < 0) {
    throw badUserInput('`first` must be a non-negative integer', 'first');
  }
  return Math.min(size, max);
}
