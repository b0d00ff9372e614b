import { ERROR_CODES } from '../../errors';
import type { OperationParams, PersistedOperations, RequestFacts, Resolution } from '../../operations';
import type { Refusal, Stage } from '../operationRequest';

/**
 * Operation resolution: APQ hashes and manifest ids become query text and the safelist mode is applied, before
 * anything parses the operation; every later stage sees the resolved text. Hashes to register are kept in the
 * context until Apollo Server has accepted their query (see PersistedOperations.plugin).
 */
export function resolveOperationsStage(operations: PersistedOperations): Stage {
  return async (request, context) => {
    const apqRegister: string[] = [];
    context.apqRegister = apqRegister;
    const facts: RequestFacts = { clientName: request.headers.get('apollographql-client-name') ?? undefined, principal: context.principal, header: (name) => request.headers.get(name) ?? undefined };
    if (request.method === 'GET') {
      const resolved = await resolveSearch(request.search, operations, facts, apqRegister);
      if (typeof resolved !== 'string') return refusalOf(resolved);
      request.search = resolved;
    } else if (Array.isArray(request.body)) {
      const resolved: unknown[] = [];
      for (const op of request.body) {
        const outcome = await resolveParams(op, operations, facts, apqRegister);
        if (!outcome.ok) return refusalOf(outcome);
        resolved.push(outcome.params);
      }
      request.body = resolved;
    } else if (request.body !== null && typeof request.body === 'object') {
      const outcome = await resolveParams(request.body, operations, facts, apqRegister);
      if (!outcome.ok) return refusalOf(outcome);
      request.body = outcome.params;
    }
    return undefined;
  };
}

// Apollo's protocol: APQ misses are HTTP 200 and must not be cached (the client registers next).
function refusalOf(refusal: Extract<Resolution, { ok: false }>): Refusal {
  const status = ERROR_CODES[refusal.code].status;
  return { status, code: refusal.code, message: refusal.message, ...(status === 200 ? { headers: [['cache-control', 'private, no-cache, must-revalidate']] as const } : {}) };
}

/** One operation object of a POST body, resolved; objects Apollo Server must refuse pass unchanged. */
async function resolveParams(op: unknown, operations: PersistedOperations, facts: RequestFacts, apqRegister: string[]): Promise<{ ok: true; params: unknown } | Extract<Resolution, { ok: false }>> {
  if (op === null || typeof op !== 'object' || Array.isArray(op)) return { ok: true, params: op };
  const params = op as OperationParams & Record<string, unknown>;
  const pending = operations.resolve(params, facts);
  const outcome = pending instanceof Promise ? await pending : pending;
  if (!outcome.ok) return outcome;
  if (outcome.register) apqRegister.push(outcome.register);
  if (!outcome.rewrite) return { ok: true, params };
  const { documentId: _documentId, extensions, ...rest } = params;
  return { ok: true, params: { ...rest, query: outcome.query, ...withoutPersistedQuery(extensions) } };
}

/** GET parameters, resolved; the search string Apollo Server then reads (unchanged when nothing was resolved). */
async function resolveSearch(search: string, operations: PersistedOperations, facts: RequestFacts, apqRegister: string[]): Promise<string | Extract<Resolution, { ok: false }>> {
  const params = new URLSearchParams(search.slice(1));
  const extensionsText = params.get('extensions');
  let extensions: unknown;
  try {
    extensions = extensionsText === null ? undefined : JSON.parse(extensionsText);
  } catch {
    return search; // Apollo Server answers malformed extensions with its own 400.
  }
  const pending = operations.resolve({ query: params.get('query') ?? undefined, extensions, documentId: params.get('documentId') ?? undefined }, facts);
  const outcome = pending instanceof Promise ? await pending : pending;
  if (!outcome.ok) return outcome;
  if (outcome.register) apqRegister.push(outcome.register);
  if (!outcome.rewrite) return search;
  params.delete('documentId');
  params.set('query', outcome.query as string);
  const rest = withoutPersistedQuery(extensions).extensions;
  if (rest) params.set('extensions', JSON.stringify(rest));
  else params.delete('extensions');
  return `?${params.toString()}`;
}

function withoutPersistedQuery(extensions: unknown): { extensions?: Record<string, unknown> } {
  if (extensions === null || typeof extensions !== 'object' || Array.isArray(extensions)) return {};
  const { persistedQuery: _persistedQuery, ...rest } = extensions as Record<string, unknown>;
  return Object.keys(rest).length > 0 ? { extensions: rest } : {};
}
