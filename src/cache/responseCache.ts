import { createHash } from 'node:crypto';
import { HeaderMap, type ApolloServerPlugin, type GraphQLRequestContext, type GraphQLRequestContextWillSendResponse } from '@apollo/server';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import type { Principal } from '../auth';
import type { Logger } from '../observability';
import { canonicalJson, type Invalidations } from './invalidation';
import { principalKey } from './principalKey';
import type { Store } from '../store';

/** What the response cache needs from the gateway (see JunctionGateway). */
export interface ResponseCacheGateway {
  /** The supergraph a request's schema belongs to: a schema change never serves an old response. */
  supergraphIdOf(apiSchema: GraphQLSchema): string | undefined;
  /** What the caller may not see of the operation, as a key (computed once per request; see JunctionGateway). */
  authorizationKey(apiSchema: GraphQLSchema, rc: GraphQLRequestContext<CacheContext>): Promise<string>;
  /** What the request's subgraph requests carry besides operation and variables (headers, identity, claims). */
  subgraphRequestsKey(apiSchema: GraphQLSchema, rc: GraphQLRequestContext<CacheContext>): Promise<string>;
}

/** What the response cache reads from a request's context (the gateway fills `responseTags` while executing). */
export interface CacheContext {
  principal?: Principal | undefined;
  /** The invalidation tags of this response; absent when it must not be cached. */
  responseTags?: Set<string> | undefined;
  /** A lookup that missed: where and how the response is to be stored once answered. */
  responseCacheMiss?: ResponseCacheMiss | undefined;
  /** The stream holder (pipeline): with a stream set, the answer goes out in parts and the engine's is a placeholder. */
  streamed?: { readonly stream: unknown } | undefined;
}

export interface ResponseCacheOptions {
  store: Store;
  invalidations: Invalidations;
  gateway: ResponseCacheGateway;
  maxTtlSec: number;
  /** Request headers (lower-case) whose values are part of the key. */
  varyHeaders: readonly string[];
  logger: Logger;
  /** Lookups by result (a store that is down answers `error`: a miss). */
  metrics?: { cacheRequest(cache: 'response', result: 'hit' | 'miss' | 'error'): void } | undefined;
}

interface Stored {
  /** data */
  d: unknown;
  /** when the request that produced it started (ms): invalidations at or after it make it stale */
  s: number;
  /** expires at (ms) */
  x: number;
  /** private */
  p?: 1;
  /** invalidation tags */
  t: readonly string[];
}

/** A response-cache miss waiting for its answer (opaque outside this file). */
export interface ResponseCacheMiss {
  key: string;
  principal: string | undefined;
  startedAt: number;
  /** Set for the first request of a key: the identical requests that arrive meanwhile wait for its answer. */
  leads?: { answer: Promise<Settled | undefined>; settle: (outcome: Settled | undefined) => void };
}

/** A leader's answer as its followers may use it (PRIVATE ones only for the same principal). */
interface Settled {
  stored: Stored;
  principal: string | undefined;
}

/** Longest an identical request waits for the first one's answer (then runs itself). */
const COALESCE_WAIT_MS = 10_000;

// Requests that want something a cached answer cannot give: a plan, or the actual cost.
const BYPASS_HEADERS = ['apollo-query-plan-experimental', 'apollo-expose-query-plan', 'junction-expose-cost'];

/**
 * The response cache: whole query responses, keyed by the supergraph, the operation, its variables, the
 * vary headers, the headers propagated to subgraphs, what the caller may see (authorization), and for
 * PRIVATE data the principal. The TTL is the response's cache policy (the smallest max-age of the subgraph
 * answers that contributed, PRIVATE if any was) — nothing is stored when a part had no hint, the response
 * has errors, or the operation is not a query. A hit answers with `Age` and the remaining `max-age`.
 *
 * It runs as an Apollo Server plugin: `responseForOperation` comes after parsing, validation, the request
 * limits and demand control, so a cached answer never skips a check an uncached one would fail.
 */
export function responseCachePlugin(options: ResponseCacheOptions): ApolloServerPlugin<CacheContext> {
  const { store, invalidations, gateway, logger } = options;
  // Misses in flight, by key: N identical requests arriving at a cold (or just expired) entry run once.
  const inflight = new Map<string, Promise<Settled | undefined>>();
  const counted = (result: 'hit' | 'miss'): void => options.metrics?.cacheRequest('response', result === 'miss' && !store.available() ? 'error' : result);

  const hit = (rc: GraphQLRequestContext<CacheContext>, stored: Stored, now: number) => {
    const remaining = Math.max(1, Math.ceil((stored.x - now) / 1000));
    rc.overallCachePolicy.replace({ maxAge: remaining, scope: stored.p ? 'PRIVATE' : 'PUBLIC' });
    const age = Math.max(0, Math.floor((now - stored.s) / 1000));
    return { http: { status: undefined, headers: new HeaderMap([['age', String(age)]]) }, body: { kind: 'single' as const, singleResult: { data: stored.d as Record<string, unknown> } } };
  };

  const keyOf = async (rc: GraphQLRequestContext<CacheContext>, supergraphId: string): Promise<string> => {
    const { request, schema, document, operationName } = rc;
    const headers = request.http?.headers ?? new HeaderMap();
    const principal = rc.contextValue.principal;
    const authorization = await gateway.authorizationKey(schema, rc);
    const vary = options.varyHeaders.map((name) => `${name}=${headers.get(name) ?? ''}`).join('\n');
    const parts = [supergraphId, rc.queryHash, operationName ?? '', canonicalJson(request.variables ?? {}), vary, await gateway.subgraphRequestsKey(schema, rc), authorization];
    return createHash('sha256').update(parts.join('\u0000')).digest('hex');
  };

  return {
    async requestDidStart() {
      return {
        async responseForOperation(rc) {
          if (rc.operation?.operation !== 'query') return null;
          const headers = rc.request.http?.headers;
          if (headers && BYPASS_HEADERS.some((name) => headers.has(name))) return null;
          const supergraphId = gateway.supergraphIdOf(rc.schema);
          if (!supergraphId) return null;
          const key = await keyOf(rc, supergraphId);
          const principal = principalKey(rc.contextValue.principal);
          const startedAt = Date.now();
          const [pub, prv] = await store.getMany(principal === undefined ? [`pub:${key}`] : [`pub:${key}`, `prv:${principal}:${key}`]);
          const stored = parseStored(pub ?? prv);
          if (stored && stored.x > startedAt && !(await invalidations.isStale(stored.t, stored.s))) {
            counted('hit');
            return hit(rc, stored, startedAt);
          }
          const leader = inflight.get(key);
          if (leader) {
            const settled = await leader;
            const shared = settled && (!settled.stored.p || settled.principal === principal);
            counted(shared ? 'hit' : 'miss');
            if (shared) return hit(rc, settled.stored, Date.now());
            rc.contextValue.responseCacheMiss = { key, principal, startedAt };
            return null;
          }
          counted('miss');
          let settle!: (outcome: Settled | undefined) => void;
          const answer = new Promise<Settled | undefined>((resolve) => (settle = resolve));
          inflight.set(key, answer);
          // A leader that never answers (it cannot, but if) releases its followers after a while.
          setTimeout(() => {
            if (inflight.get(key) !== answer) return;
            inflight.delete(key);
            settle(undefined);
          }, COALESCE_WAIT_MS).unref();
          rc.contextValue.responseCacheMiss = { key, principal, startedAt, leads: { answer, settle } };
          return null;
        },
        async willSendResponse(rc) {
          const miss = rc.contextValue.responseCacheMiss;
          if (!miss) return;
          const stored = storable(rc, miss);
          if (miss.leads) {
            if (inflight.get(miss.key) === miss.leads.answer) inflight.delete(miss.key);
            miss.leads.settle(stored ? { stored, principal: miss.principal } : undefined);
          }
          if (!stored) return;
          const ttlMs = stored.x - Date.now();
          // Not awaited: the client does not wait for the store.
          void store.set(stored.p ? `prv:${miss.principal}:${miss.key}` : `pub:${miss.key}`, JSON.stringify(stored), ttlMs).then((written) => {
            if (!written) logger.debug('response cache: the store did not take an entry');
          });
        },
      };
    },
  };

  // The entry a response makes, or undefined when it must not be kept (see the rules above).
  function storable(rc: GraphQLRequestContextWillSendResponse<CacheContext>, miss: ResponseCacheMiss): Stored | undefined {
    // A `@defer` answer sent in parts (multipart): the engine's response is only its placeholder, never stored.
    // The other way round is fine: a whole answer stored for another client may serve a client taking parts
    // (one result is a valid answer to a multipart deferSpec Accept, as Router answers it).
    if (rc.contextValue.streamed?.stream) return undefined;
    const { body } = rc.response;
    if (body.kind !== 'single' || body.singleResult.errors || body.singleResult.data == null) return undefined;
    // Extensions carry per-request facts (value-completion errors among them): such answers are not shared.
    if (body.singleResult.extensions && Object.keys(body.singleResult.extensions).length > 0) return undefined;
    const tags = rc.contextValue.responseTags;
    const policy = rc.overallCachePolicy.policyIfCacheable();
    if (!tags || !policy) return undefined;
    const ttlSec = Math.min(policy.maxAge, options.maxTtlSec);
    const isPrivate = policy.scope === 'PRIVATE';
    if (ttlSec <= 0 || (isPrivate && miss.principal === undefined)) return undefined;
    return { d: body.singleResult.data, s: miss.startedAt, x: Date.now() + ttlSec * 1000, ...(isPrivate ? { p: 1 as const } : {}), t: [...tags] };
  }
}

function parseStored(text: string | undefined): Stored | undefined {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as Stored;
    return typeof value === 'object' && value !== null && typeof value.s === 'number' && typeof value.x === 'number' && Array.isArray(value.t) ? value : undefined;
  } catch {
    return undefined;
  }
}
