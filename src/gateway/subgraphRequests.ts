import { createHash } from 'node:crypto';
import type { IdentitySigner, Principal } from '../auth';
import { principalKey } from '../cache';
import type { HeaderPlanner } from './headerRules';

/**
 * What every subgraph request of one client request carries besides its operation and variables: the
 * headers (propagated, inserted, the signed identity), the forwarded claims — and, per subgraph, a digest
 * of all of it that can change the subgraph's answer. This is the one description of a subgraph request:
 * the entity cache, the response cache and the in-flight dedup key all derive from `vary`, so two client
 * requests share a subgraph answer only when they would have sent that subgraph the same request.
 */
export interface SubgraphRequests {
  /** Per subgraph: the headers to send, as a flat [name, value, …] list. */
  readonly headers: ReadonlyMap<string, readonly string[]>;
  /** `,"extensions":{"jwt":{"payload":…}}`, appended to every request body; '' when claims are not forwarded. */
  readonly extensionsJson: string;
  /** Per subgraph: a digest of what above can change its answer; absent for a subgraph sent nothing extra. */
  readonly vary: ReadonlyMap<string, string>;
  /** Every subgraph's digest together: what a whole response depends on (the response cache key). */
  readonly key: string;
}

export interface SubgraphRequestOptions {
  headerPlanner: HeaderPlanner | undefined;
  signer: IdentitySigner | undefined;
  identityHeader: string;
  forwardClaims: boolean;
}

/** The request headers of the client (Apollo Server's HeaderMap). */
type ClientHeaders = Parameters<HeaderPlanner>[0];

// Claims that change with every token of the same caller and cannot change an answer: left out of `vary`,
// so a refreshed token keeps its cache entries.
const PER_TOKEN_CLAIMS = new Set(['iat', 'exp', 'nbf', 'jti']);

/** The description for one client request; undefined when no subgraph is sent anything beyond the operation. */
export async function describeSubgraphRequests(
  subgraphs: Iterable<string>,
  options: SubgraphRequestOptions,
  clientHeaders: ClientHeaders | undefined,
  principal: Principal | undefined,
): Promise<SubgraphRequests | undefined> {
  const planner = options.headerPlanner;
  const signer = principal ? options.signer : undefined;
  const forwardClaims = !!principal && options.forwardClaims;
  if (!planner && !signer && !forwardClaims) return undefined;
  const claimsJson = forwardClaims && principal ? JSON.stringify(principal.claims) : '';
  // The caller, as the identity token and the claims name it (the token itself differs every ttl).
  const caller = signer || forwardClaims ? JSON.stringify([principalKey(principal) ?? '', forwardClaims && principal ? lastingClaims(principal.claims) : {}]) : '';
  const headers = new Map<string, readonly string[]>();
  const vary = new Map<string, string>();
  let key = '';
  for (const name of subgraphs) {
    const propagated = planner && clientHeaders ? planner(clientHeaders, principal, name) : [];
    if (propagated.length > 0 || caller) {
      const digest = createHash('sha256').update(JSON.stringify([propagated, caller])).digest('hex').slice(0, 32);
      vary.set(name, digest);
      key += `${name}:${digest};`;
    }
    const list = signer && principal ? [...propagated, options.identityHeader, await signer.tokenFor(principal, name)] : propagated;
    if (list.length > 0) headers.set(name, list);
  }
  const extensionsJson = claimsJson ? `,"extensions":{"jwt":{"payload":${claimsJson}}}` : '';
  return { headers, extensionsJson, vary, key };
}

function lastingClaims(claims: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(claims)) if (!PER_TOKEN_CLAIMS.has(name)) kept[name] = value;
  return kept;
}
