import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from '../observability';

const INTERNAL_MESSAGE = 'Internal server error';
const SUGGESTION = /\s*Did you mean .*\?$/;
// Extensions that carry internals: stack traces, exception dumps, a subgraph's own HTTP details.
const PRIVATE_EXTENSIONS = ['stacktrace', 'exception', 'http', 'response'];

/**
 * The one place errors are shaped for clients. Errors without a known code are internal: the client gets a
 * generic message, the log gets the original. Stack traces and subgraph internals never leave; schema
 * suggestions ("Did you mean …") are stripped in production, where they would map the schema for an attacker.
 */
export function createErrorFormatter(options: { production: boolean; logger: Logger }) {
  return (formatted: GraphQLFormattedError, original: unknown): GraphQLFormattedError => {
    try {
      const code = formatted.extensions?.code;
      if (typeof code !== 'string' || code === 'INTERNAL_SERVER_ERROR') {
        options.logger.error({ err: original }, 'internal error while executing an operation');
        return { message: INTERNAL_MESSAGE, ...(formatted.path ? { path: formatted.path } : {}), extensions: { code: 'INTERNAL_SERVER_ERROR' } };
      }
      const extensions = { ...formatted.extensions };
      for (const key of PRIVATE_EXTENSIONS) delete extensions[key];
      const message = options.production ? formatted.message.replace(SUGGESTION, '') : formatted.message;
      return { ...formatted, message, extensions };
    } catch {
      return { message: INTERNAL_MESSAGE, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
    }
  };
}
