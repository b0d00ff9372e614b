import { createHash } from 'node:crypto';
import { HeaderMap, type ApolloServerPlugin, type GraphQLRequestContext, type GraphQLRequestContextWillSendResponse } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import type { Principal } from '../auth';
import type { Logger } from '../observability';
import { canonicalJson, type Invalidations } from './invalidation';
import { principalKey } from './principalKey';
import { ifNoneMatch, storedAnswerOf, type StoredAnswer, type StoredAnswerSlot } from './storedAnswer';
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
  /**
   * Where a cacheable answer's bytes go (the pipeline makes one per operation and sends what it holds instead
   * of the engine's body; see storedAnswer.ts). Without it (the engine called directly) nothing is cached.
   */
  storedAnswer?: StoredAnswerSlot | undefined;
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

/**
 * An entry's head: one JSON line, then the answer's body as it is sent. A hit parses only the head (a few
 * dozen bytes) and slices the body off the stored text: the answer is never parsed or serialized again.
 */
interface Stored {
  /** when the request that produced it started (ms): invalidations at or after it make it stale */
  s: number;
  /** expires at (ms) */
  x: number;
  /** private */
  p?: 1;
  /** invalidation tags */
  t: readonly string[];
  /** the body's strong ETag */
  e: string;
}

/** A stored entry: its head and the answer's bytes. */
interface Entry {
  head: Stored;
  answer: StoredAnswer;
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
  entry: Entry;
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
 *
 * An entry is the answer's bytes (storedAnswer.ts): a hit hands them to the pipeline's slot and returns a
 * placeholder, so Apollo Server runs its hooks (metrics, access log, Cache-Control) and the pipeline sends the
 * bytes. Every cacheable answer, hit or miss, carries a strong ETag; over HTTP, an `If-None-Match` naming it
 * is answered 304 with no body — only once every check above has passed, as for a hit.
 */
export function responseCachePlugin(options: ResponseCacheOptions): ApolloServerPlugin<CacheContext> {
  const { store, invalidations, gateway, logger } = options;
  // Misses in flight, by key: N identical requests arriving at a cold (or just expired) entry run once.
  const inflight = new Map<string, Promise<Settled | undefined>>();
  // The request headers that are part of the key, for the caches downstream (a CDN, a browser) to key on too.
  const vary = options.varyHeaders.join(', ');
  const counted = (result: 'hit' | 'miss'): void => options.metrics?.cacheRequest('response', result === 'miss' && !store.available() ? 'error' : result);

  const hit = (rc: GraphQLRequestContext<CacheContext>, slot: StoredAnswerSlot, entry: Entry, now: number) => {
    const { head, answer } = entry;
    const remaining = Math.max(1, Math.ceil((head.x - now) / 1000));
    rc.overallCachePolicy.replace({ maxAge: remaining, scope: head.p ? 'PRIVATE' : 'PUBLIC' });
    const age = Math.max(0, Math.floor((now - head.s) / 1000));
    slot.answer = answer;
    slot.notModified = slot.conditional === true && ifNoneMatch(rc.request.http?.headers.get('if-none-match'), answer.etag);
    const headers = new HeaderMap([
      ['age', String(age)],
      ['etag', answer.etag],
    ]);
    if (vary) headers.set('vary', vary);
    // The placeholder's data is never sent (the slot's bytes are): it only tells Apollo Server there is no error.
    return { http: { status: slot.notModified ? 304 : undefined, headers }, body: { kind: 'single' as const, singleResult: { data: {} } } };
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
          const slot = rc.contextValue.storedAnswer;
          if (rc.operation?.operation !== 'query' || !slot) return null;
          const headers = rc.request.http?.headers;
          if (headers && BYPASS_HEADERS.some((name) => headers.has(name))) return null;
          const supergraphId = gateway.supergraphIdOf(rc.schema);
          if (!supergraphId) return null;
          const key = await keyOf(rc, supergraphId);
          const principal = principalKey(rc.contextValue.principal);
          const startedAt = Date.now();
          const [pub, prv] = await store.getMany(principal === undefined ? [`pub:${key}`] : [`pub:${key}`, `prv:${principal}:${key}`]);
          const entry = parseEntry(pub ?? prv);
          if (entry && entry.head.x > startedAt && !(await invalidations.isStale(entry.head.t, entry.head.s))) {
            counted('hit');
            return hit(rc, slot, entry, startedAt);
          }
          const leader = inflight.get(key);
          if (leader) {
            const settled = await leader;
            const shared = settled && (!settled.entry.head.p || settled.principal === principal) ? settled.entry : undefined;
            counted(shared ? 'hit' : 'miss');
            if (shared) return hit(rc, slot, shared, Date.now());
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
          const entry = storable(rc, miss);
          if (miss.leads) {
            if (inflight.get(miss.key) === miss.leads.answer) inflight.delete(miss.key);
            miss.leads.settle(entry ? { entry, principal: miss.principal } : undefined);
          }
          if (!entry) return;
          // The bytes just serialized are the ones sent (the pipeline swaps them in), so the ETag is theirs.
          const slot = rc.contextValue.storedAnswer as StoredAnswerSlot;
          slot.answer = entry.answer;
          rc.response.http.headers.set('etag', entry.answer.etag);
          if (vary) rc.response.http.headers.set('vary', vary);
          if (slot.conditional === true && ifNoneMatch(rc.request.http?.headers.get('if-none-match'), entry.answer.etag)) {
            slot.notModified = true;
            rc.response.http.status = 304;
          }
          const ttlMs = entry.head.x - Date.now();
          // Not awaited: the client does not wait for the store.
          void store.set(entry.head.p ? `prv:${miss.principal}:${miss.key}` : `pub:${miss.key}`, `${JSON.stringify(entry.head)}\n${entry.answer.body}`, ttlMs).then((written) => {
            if (!written) logger.debug('response cache: the store did not take an entry');
          });
        },
      };
    },
  };

  // The entry a response makes, or undefined when it must not be kept (see the rules above).
  function storable(rc: GraphQLRequestContextWillSendResponse<CacheContext>, miss: ResponseCacheMiss): Entry | undefined {
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
    const answer = storedAnswerOf(body.singleResult.data);
    return { head: { s: miss.startedAt, x: Date.now() + ttlSec * 1000, ...(isPrivate ? { p: 1 as const } : {}), t: [...tags], e: answer.etag }, answer };
  }
}

/** An entry from its stored text (its head line, then the body), or undefined when it is not one. */
function parseEntry(text: string | undefined): Entry | undefined {
  if (text === undefined) return undefined;
  const end = text.indexOf('\n');
  if (end < 0) return undefined;
  try {
    const head = JSON.parse(text.slice(0, end)) as Stored;
    if (typeof head !== 'object' || head === null || typeof head.s !== 'number' || typeof head.x !== 'number' || !Array.isArray(head.t) || typeof head.e !== 'string') return undefined;
    // A slice, not a copy: V8 keeps a view of the stored string.
    return { head, answer: { body: text.slice(end + 1), etag: head.e } };
  } catch {
    return undefined;
  }
}
