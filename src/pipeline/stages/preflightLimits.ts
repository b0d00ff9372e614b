import type { GraphQLError } from 'graphql';
import type { ErrorCode } from '../../errors';
import type { Stage } from '../operationRequest';

type Preflight = (source: string, operationName: string | undefined) => GraphQLError | undefined;

/**
 * The request limits, on every resolved operation text, before Apollo Server parses or validates it: Apollo
 * Server parses a document before any plugin may refuse it, and a deeply nested one overflows its parser.
 * Verdicts are cached by text (security/requestLimitsPlugin.ts), so the engine's own check is a lookup.
 */
export function preflightLimitsStage(preflight: Preflight): Stage {
  return (request) => {
    const refusal = request.method === 'GET' ? preflightSearch(request.search, preflight) : preflightBody(request.body, preflight);
    return refusal ? { status: 400, code: refusal.extensions.code as ErrorCode, message: refusal.message } : undefined;
  };
}

function preflightBody(body: unknown, preflight: Preflight): GraphQLError | undefined {
  for (const op of Array.isArray(body) ? body : [body]) {
    const { query, operationName } = (op ?? {}) as { query?: unknown; operationName?: unknown };
    if (typeof query !== 'string') continue;
    const refusal = preflight(query, typeof operationName === 'string' ? operationName : undefined);
    if (refusal) return refusal;
  }
  return undefined;
}

function preflightSearch(search: string, preflight: Preflight): GraphQLError | undefined {
  if (search === '') return undefined;
  const params = new URLSearchParams(search.slice(1));
  const query = params.get('query');
  return query === null ? undefined : preflight(query, params.get('operationName') ?? undefined);
}
