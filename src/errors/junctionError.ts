import { GraphQLError, type GraphQLErrorOptions } from 'graphql';
import { ERROR_CODES, type ErrorCode } from './codes';

/**
 * A GraphQLError that carries a code from the table and the HTTP status Apollo Server should answer with
 * (`extensions.http` is read by Apollo Server and removed before the response is sent).
 */
export function junctionError(code: ErrorCode, message: string, options: GraphQLErrorOptions = {}): GraphQLError {
  const status = ERROR_CODES[code].status;
  return new GraphQLError(message, {
    ...options,
    extensions: { ...options.extensions, code, ...(status !== 200 ? { http: { status } } : {}) },
  });
}

/** The JSON body of an error answered outside the GraphQL pipeline (e.g. 413, 404). */
export function errorBody(code: ErrorCode, message: string): string {
  return JSON.stringify({ errors: [{ message, extensions: { code } }] });
}
