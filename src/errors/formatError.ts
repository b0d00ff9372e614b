import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ERROR_CODES } from './codes';
import type { Logger } from '../observability';

const INTERNAL_MESSAGE = 'Internal server error';
const SUGGESTION = /\s*Did you mean .*\?$/;
// Extensions that carry internals: stack traces, exception dumps, a subgraph's own HTTP details.
const PRIVATE_EXTENSIONS = ['stacktrace', 'exception', 'http', 'response'];

/**
 * The one place errors are shaped for clients. Errors without a known code are internal: the client gets a
 * generic message, the log gets the original. Stack traces and subgraph internals never leave; schema
 * suggestions ("Did you mean …") are stripped unless enabled (development), since they map the schema for an
 * attacker. Apollo Server files every validation-rule error under GRAPHQL_VALIDATION_FAILED; the rule's own
 * code (its `validationErrorCode`, or a Junction code on the original error) is what the client gets.
 */
export function createErrorFormatter(options: { suggestions: boolean; logger: Logger }) {
  return (formatted: GraphQLFormattedError, original: unknown): GraphQLFormattedError => {
    try {
      const code = specificCode(formatted, original);
      if (typeof code !== 'string' || code === 'INTERNAL_SERVER_ERROR') {
        options.logger.error({ err: original }, 'internal error while executing an operation');
        return { message: INTERNAL_MESSAGE, ...(formatted.path ? { path: formatted.path } : {}), extensions: { code: 'INTERNAL_SERVER_ERROR' } };
      }
      const extensions: Record<string, unknown> = { ...formatted.extensions, code };
      for (const key of PRIVATE_EXTENSIONS) delete extensions[key];
      delete extensions.validationErrorCode;
      const message = options.suggestions ? formatted.message : formatted.message.replace(SUGGESTION, '');
      return { ...formatted, message, extensions };
    } catch {
      return { message: INTERNAL_MESSAGE, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
    }
  };
}

function specificCode(formatted: GraphQLFormattedError, original: unknown): unknown {
  const code = formatted.extensions?.code;
  // Apollo Server answers a mutation over GET with 405 but files it under BAD_REQUEST; the status says what it is.
  if (code === 'BAD_REQUEST' && httpStatusOf(formatted, original) === 405) return 'METHOD_NOT_ALLOWED';
  if (code !== 'GRAPHQL_VALIDATION_FAILED') return code;
  const hinted = formatted.extensions?.validationErrorCode;
  if (typeof hinted === 'string' && hinted in ERROR_CODES) return hinted;
  const inner = original instanceof GraphQLError ? original.originalError : undefined;
  const innerCode = inner instanceof GraphQLError ? inner.extensions.code : undefined;
  return typeof innerCode === 'string' && innerCode in ERROR_CODES ? innerCode : code;
}

function httpStatusOf(formatted: GraphQLFormattedError, original: unknown): unknown {
  const http = formatted.extensions?.http ?? (original instanceof GraphQLError ? original.extensions.http : undefined);
  return http && typeof http === 'object' ? (http as { status?: unknown }).status : undefined;
}
