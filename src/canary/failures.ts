import type { ErrorCode } from '../errors';

/**
 * Error codes that say something about the caller, not about the supergraph that served it: a canary is not
 * judged on them (both variants answer them alike). Every other error — a subgraph's, a timeout, an operation
 * that no longer validates or plans on the candidate, a code Junction does not know — counts as a failure.
 */
const CALLER_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'BAD_REQUEST',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'REQUEST_HEADER_FIELDS_TOO_LARGE',
  'REQUEST_TIMEOUT',
  'VARIABLES_TOO_DEEP',
  'VARIABLES_TOO_LARGE',
  'METHOD_NOT_ALLOWED',
  'GRAPHQL_PARSE_FAILED',
  'BAD_USER_INPUT',
  'OPERATION_RESOLUTION_FAILURE',
  'OPERATION_NOT_SUPPORTED',
  'INTROSPECTION_DISABLED',
  'BATCHING_DISABLED',
  'BATCH_LIMIT_EXCEEDED',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'PERSISTED_QUERY_HASH_MISMATCH',
  'PERSISTED_QUERY_NOT_IN_LIST',
  'QUERY_NOT_IN_SAFELIST',
  'PERSISTED_QUERY_ID_REQUIRED',
  'MAX_TOKENS_LIMIT',
  'MAX_DEPTH_LIMIT',
  'MAX_HEIGHT_LIMIT',
  'MAX_ALIASES_LIMIT',
  'MAX_ROOT_FIELDS_LIMIT',
  'MAX_DIRECTIVES_LIMIT',
  'MAX_SELECTIONS_LIMIT',
  'MAX_INTROSPECTION_DEPTH_LIMIT',
  'COST_SLICING_ARGUMENT_REQUIRED',
  'RATE_LIMITED',
  'UNAUTHORIZED_FIELD_OR_TYPE',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'SUBSCRIPTION_LIMIT',
]);

/** Whether an answer counts as a failure of the supergraph that served it (see CALLER_CODES). */
export function failedAnswer(status: number, codes: Iterable<unknown>): boolean {
  if (status >= 500) return true;
  for (const code of codes) if (typeof code !== 'string' || !CALLER_CODES.has(code)) return true;
  return false;
}
