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
  /** The claims `extensionsJson` carries (undefined when not forwarded), for executors that build bodies as objects. */
  readonly claims: Readonly<Record<string, unknown>> | undefined;
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

export type SubgraphRequestDescriber = (
  subgraphs: Iterable<string>,
  clientHeaders: ClientHeaders | undefined,
  principal: Principal | undefined,
) => Promise<SubgraphRequests | undefined>;

/**
 * Describes each client request (undefined when no subgraph is sent anything beyond the operation). The
 * caller's part of the digest is computed once per principal (the authenticator hands the same Principal
 * for the same token), so a request costs a hash only for the headers its rules propagate.
 */
export function subgraphRequestDescriber(options: SubgraphRequestOptions): SubgraphRequestDescriber {
  const callers = new WeakMap<Principal, string>();
  const callerDigest = (principal: Principal): string => {
    let digest = callers.get(principal);
    if (digest === undefined) {
      const claims = options.forwardClaims ? lastingClaims(principal.claims) : {};
      digest = sha256(JSON.stringify([principalKey(principal) ?? '', claims]));
      callers.set(principal, digest);
    }
    return digest;
  };
  return async (subgraphs, clientHeaders, principal) => {
    const planner = options.headerPlanner;
    const signer = principal ? options.signer : undefined;
    const forwardClaims = !!principal && options.forwardClaims;
    if (!planner && !signer && !forwardClaims) return undefined;
    // The caller, as the identity token and the claims name it (the token itself differs every ttl).
    const caller = principal && (signer || forwardClaims) ? callerDigest(principal) : '';
    const headers = new Map<string, readonly string[]>();
    const vary = new Map<string, string>();
    let key = '';
    for (const name of subgraphs) {
      const propagated = planner && clientHeaders ? planner(clientHeaders, principal, name) : [];
      const digest = propagated.length > 0 ? sha256(JSON.stringify([propagated, caller])) : caller;
      if (digest) {
        vary.set(name, digest);
        key += `${name}:${digest};`;
      }
      const list = signer && principal ? [...propagated, options.identityHeader, await signer.tokenFor(principal, name)] : propagated;
      if (list.length > 0) headers.set(name, list);
    }
    const claims = forwardClaims && principal ? principal.claims : undefined;
    const extensionsJson = claims ? `,"extensions":{"jwt":{"payload":${JSON.stringify(claims)}}}` : '';
    return { headers, extensionsJson, claims, vary, key };
  };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

function lastingClaims(claims: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(claims)) if (!PER_TOKEN_CLAIMS.has(name)) kept[name] = value;
  return kept;
}
