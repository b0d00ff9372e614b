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

/** What one hook adds to one subgraph request. */
export interface SubgraphRequestPart {
  /** Headers to send, as a flat [name, value, …] list. */
  headers?: readonly string[] | undefined;
  /** What of this part can change the subgraph's answer, as a short stable string (a digest): '' for nothing. */
  vary?: string | undefined;
}

/**
 * One contributor to what a subgraph request carries, called per client request and subgraph. The hooks are
 * the one list both executors send and every cache and dedup key reads (through `vary`): a new kind of
 * header or identity is a new hook here, never a second key function elsewhere.
 */
export type OnSubgraphRequest = (subgraph: string, request: { clientHeaders: ClientHeaders | undefined; principal: Principal | undefined }) => SubgraphRequestPart | undefined | Promise<SubgraphRequestPart | undefined>;

/** The header rules (gateway.yaml `headers`): what they propagate or insert is sent, and varies the answer. */
export function headerRulesHook(planner: HeaderPlanner): OnSubgraphRequest {
  return (subgraph, { clientHeaders, principal }) => {
    const headers = clientHeaders ? planner(clientHeaders, principal, subgraph) : [];
    return headers.length > 0 ? { headers, vary: sha256(JSON.stringify(headers)) } : undefined;
  };
}

/**
 * The caller: the signed identity token (a header per subgraph) and, with `forwardClaims`, the claims (in the
 * body). Its `vary` names the caller (issuer + subject, hashed) and the lasting claims, once per principal (the
 * authenticator hands the same Principal for the same token); the token itself changes every ttl and is not part of it.
 */
export function callerHook(signer: IdentitySigner | undefined, identityHeader: string, forwardClaims: boolean): OnSubgraphRequest {
  const digests = new WeakMap<Principal, string>();
  const digestOf = (principal: Principal): string => {
    let digest = digests.get(principal);
    if (digest === undefined) {
      digest = sha256(JSON.stringify([principalKey(principal) ?? '', forwardClaims ? lastingClaims(principal.claims) : {}]));
      digests.set(principal, digest);
    }
    return digest;
  };
  return async (subgraph, { principal }) => {
    if (!principal || (!signer && !forwardClaims)) return undefined;
    return { headers: signer ? [identityHeader, await signer.tokenFor(principal, subgraph)] : undefined, vary: digestOf(principal) };
  };
}

/** Describes each client request through the hooks (undefined when there are none, or none adds anything). */
export function subgraphRequestDescriber(options: SubgraphRequestOptions): SubgraphRequestDescriber {
  const hooks: OnSubgraphRequest[] = [
    ...(options.headerPlanner ? [headerRulesHook(options.headerPlanner)] : []),
    ...(options.signer || options.forwardClaims ? [callerHook(options.signer, options.identityHeader, options.forwardClaims)] : []),
  ];
  if (hooks.length === 0) return async () => undefined;
  return async (subgraphs, clientHeaders, principal) => {
    const request = { clientHeaders, principal };
    const headers = new Map<string, readonly string[]>();
    const vary = new Map<string, string>();
    let key = '';
    let any = false;
    for (const name of subgraphs) {
      const sent: string[] = [];
      const varies: string[] = [];
      for (const hook of hooks) {
        const pending = hook(name, request);
        const part = pending instanceof Promise ? await pending : pending;
        if (!part) continue;
        if (part.headers) sent.push(...part.headers);
        if (part.vary) varies.push(part.vary);
      }
      if (sent.length > 0) headers.set(name, sent);
      if (varies.length > 0) {
        const digest = varies.length === 1 ? (varies[0] as string) : sha256(varies.join('\u0000'));
        vary.set(name, digest);
        key += `${name}:${digest};`;
      }
      any ||= sent.length > 0 || varies.length > 0;
    }
    const claims = options.forwardClaims && principal ? principal.claims : undefined;
    if (!any && !claims) return undefined;
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
