import type { Principal } from '../../auth';
import type { Stage } from '../operationRequest';

/** Verifies a request's token (server/authentication.ts builds it from `auth`). */
export type Authenticator = (headers: { get(name: string): string | null | undefined }) => Promise<{ ok: true; principal: Principal | undefined } | { ok: false; message: string }>;

/** Identity first: a bad token is refused (401) before any GraphQL work, and nothing reaches a subgraph. */
export function authenticateStage(authenticator: Authenticator): Stage {
  return async (request, context) => {
    const outcome = await authenticator(request.headers);
    if (!outcome.ok) return { status: 401, code: 'UNAUTHENTICATED', message: `Unauthenticated: ${outcome.message}.`, headers: [['www-authenticate', 'Bearer']] };
    context.principal = outcome.principal;
    return undefined;
  };
}
