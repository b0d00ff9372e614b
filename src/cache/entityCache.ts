import type { FetchNode } from '@apollo/query-planner';
import type { GraphQLSchema } from 'graphql';
import type { CacheHint } from './cacheHint';
import type { EntityKeys } from './entityKeys';
import { fetchTagsOf } from './fetchTypes';
import { cacheTag, canonicalJson, entityKeyId, type Invalidations } from './invalidation';
import { createHash } from 'node:crypto';
import type { Store } from '../store';

/** One cached subgraph result: a root fetch's data, or one entity of an `_entities` fetch. */
export interface CachedPart {
  readonly data: unknown;
  /** What it restricts the response's cache policy to: its remaining lifetime and scope. */
  readonly hint: CacheHint;
}

/** An entry to look up or store: its key (without scope) and the tags it depends on. */
export interface PartEntry {
  readonly key: string;
  readonly tags: readonly string[];
}

interface Stored {
  /** data */
  d: unknown;
  /** when the fetch that produced it was sent (ms): an invalidation at or after it makes the entry stale */
  s: number;
  /** expires at (ms) */
  x: number;
  /** private */
  p?: 1;
  /** the subgraph's cache tags */
  g?: readonly string[];
}

export interface EntityCacheConfig {
  readonly enabled: boolean;
  readonly maxTtlSec: number;
  readonly subgraphs: Readonly<Record<string, { enabled?: boolean | undefined; maxTtlSec?: number | undefined }>>;
}

/**
 * The entity cache (ARCHITECTURE.md: beyond stock @apollo/gateway and Hive Gateway): subgraph root-field
 * results and `_entities` results, each entity on its own, kept for the TTL the subgraph's Cache-Control
 * allows (capped per subgraph). A fetch for 50 entities of which 45 are cached asks the subgraph for 5.
 * PRIVATE answers are kept per principal and never served to anyone else.
 */
export class EntityCache {
  constructor(
    private readonly store: Store,
    private readonly invalidations: Invalidations,
    private readonly config: EntityCacheConfig,
    /** Lookups per entry (an entity of an `_entities` fetch, or a root fetch's result). */
    private readonly metrics?: { cacheRequest(cache: 'entity', result: 'hit' | 'miss' | 'error', count?: number): void },
  ) {}

  /** The TTL cap (seconds) for a subgraph; 0 when its results are not cached. */
  capFor(subgraph: string): number {
    const own = this.config.subgraphs[subgraph];
    if (!(own?.enabled ?? this.config.enabled)) return 0;
    return Math.min(this.config.maxTtlSec, own?.maxTtlSec ?? Number.POSITIVE_INFINITY);
  }

  /** Cached parts for the entries (undefined: absent, expired, invalidated, or not for this principal). */
  async lookup(entries: ReadonlyArray<PartEntry | undefined>, principal: string | undefined): Promise<Array<CachedPart | undefined>> {
    const keys: string[] = [];
    for (const entry of entries) {
      if (!entry) continue;
      keys.push(`pub:${entry.key}`);
      if (principal !== undefined) keys.push(`prv:${principal}:${entry.key}`);
    }
    if (keys.length === 0) return entries.map(() => undefined);
    const values = await this.store.getMany(keys);
    const now = Date.now();
    const found: Array<{ stored: Stored; tags: readonly string[] } | undefined> = [];
    let k = 0;
    for (const entry of entries) {
      if (!entry) {
        found.push(undefined);
        continue;
      }
      const pub = values[k++];
      const prv = principal !== undefined ? values[k++] : undefined;
      const stored = parseStored(pub ?? prv);
      found.push(stored && stored.x > now ? { stored, tags: stored.g ? [...entry.tags, ...stored.g.map(cacheTag.custom)] : entry.tags } : undefined);
    }
    // One round trip for every marker the hits depend on.
    const tags = [...new Set(found.flatMap((f) => (f ? f.tags : [])))];
    const markers = new Map<string, number | undefined>();
    (await this.invalidations.markersOf(tags)).forEach((m, i) => markers.set(tags[i] as string, m));
    const parts = found.map((f): CachedPart | undefined => {
      if (!f) return undefined;
      if (f.tags.some((t) => (markers.get(t) ?? -1) >= f.stored.s)) return undefined;
      const remaining = Math.max(1, Math.ceil((f.stored.x - now) / 1000));
      return { data: f.stored.d, hint: { maxAge: remaining, scope: f.stored.p ? 'PRIVATE' : 'PUBLIC', ...(f.stored.g ? { tags: f.stored.g } : {}) } };
    });
    if (this.metrics) {
      const hits = parts.reduce((n, p) => (p ? n + 1 : n), 0);
      this.metrics.cacheRequest('entity', 'hit', hits);
      this.metrics.cacheRequest('entity', this.store.available() ? 'miss' : 'error', entries.reduce((n, e) => (e ? n + 1 : n), 0) - hits);
    }
    return parts;
  }

  /** Keeps a part for what its hint allows (capped); PRIVATE parts only with a principal. */
  save(entry: PartEntry, data: unknown, hint: CacheHint, sentAt: number, capSec: number, principal: string | undefined): void {
    const ttlSec = Math.min(hint.maxAge, capSec);
    if (!(ttlSec > 0) || data === null || data === undefined) return;
    const isPrivate = hint.scope === 'PRIVATE';
    if (isPrivate && principal === undefined) return;
    const stored: Stored = { d: data, s: sentAt, x: Date.now() + ttlSec * 1000, ...(isPrivate ? { p: 1 as const } : {}), ...(hint.tags ? { g: hint.tags } : {}) };
    void this.store.set(isPrivate ? `prv:${principal}:${entry.key}` : `pub:${entry.key}`, JSON.stringify(stored), ttlSec * 1000);
  }
}

/** Names a fetch's cache entries and the tags they depend on (built per fetch, shared by its entities). */
export class FetchEntries {
  private readonly tags: readonly string[];
  private readonly prefix: string;

  constructor(
    private readonly fetch: FetchNode,
    supergraphSchema: GraphQLSchema,
    private readonly keys: EntityKeys,
    variables: Readonly<Record<string, unknown>>,
    /** The digest of what else the subgraph request carries (headers, identity, claims: SubgraphRequests.vary). */
    vary: string | undefined,
    /**
     * The supergraph's id: a canary release and the stable version are served side by side, possibly by
     * different deployments of a subgraph, so nothing one fetched may answer the other.
     */
    supergraph: string,
  ) {
    this.tags = fetchTagsOf(fetch, supergraphSchema).entry;
    const vars = Object.keys(variables).some((name) => name !== 'representations') ? canonicalJson({ ...variables, representations: undefined }) : '';
    this.prefix = `${fetch.serviceName}:${supergraph.slice(0, 16)}:${operationHashOf(fetch)}${vars ? `:${sha256(vars)}` : ''}${vary ? `:${vary}` : ''}`;
  }

  /** A root fetch's entry: its operation and variables. */
  root(): PartEntry {
    return { key: `r:${this.prefix}`, tags: this.tags };
  }

  /**
   * An entity's entry: its type and key (for invalidation), the fetch, and the whole representation (it holds
   * the @requires fields the answer depends on). The gateway builds representations in a fixed field order,
   * so their JSON is a stable key without canonicalizing or hashing each one.
   */
  entity(representation: Readonly<Record<string, unknown>>): PartEntry | undefined {
    const type = representation.__typename;
    if (typeof type !== 'string') return undefined;
    const key = this.keys.keyOf(type, representation, this.fetch.serviceName);
    if (!key) return undefined;
    const id = entityKeyId(key);
    return { key: `e:${type}:${id}:${this.prefix}:${JSON.stringify(representation)}`, tags: [...this.tags, cacheTag.entity(type, id)] };
  }
}

const operationHashes = new WeakMap<FetchNode, string>();

/**
 * A fetch's operation, hashed once per plan. The planner names subgraph operations after the client's
 * (`Products__inventory__1`): the name is left out, so two client operations needing the same subgraph
 * selection share entries.
 */
function operationHashOf(fetch: FetchNode): string {
  let hash = operationHashes.get(fetch);
  if (hash === undefined) {
    hash = sha256(fetch.operation.replace(/^\s*(query|mutation|subscription)\s+[_A-Za-z][_0-9A-Za-z]*/, '$1'));
    operationHashes.set(fetch, hash);
  }
  return hash;
}

function parseStored(text: string | undefined): Stored | undefined {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as Stored;
    return typeof value === 'object' && value !== null && typeof value.s === 'number' && typeof value.x === 'number' ? value : undefined;
  } catch {
    return undefined;
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 40);
}
