// Over 300 lines on purpose: one concern — running a plan's nodes and fetches (entity cache, representation
// dedup, error paths), the hot path kept in one file so its allocations can be read together.
import type { DeferNode, DeferredNode, FetchNode, PlanNode, QueryPlan } from '@apollo/query-planner';
import { GraphQLError, Kind, parse, type GraphQLSchema } from 'graphql';
import { fetchTagsOf, FetchEntries, UNCACHEABLE, type CacheHint, type EntityCache, type EntityKeys } from '../../cache';
import type { SubgraphClient, SubgraphResponse } from '../subgraphClient';
import type { TraceSpan } from '../../observability/tracing';
import type { SubgraphRequests } from '../subgraphRequests';
import { mergeInto } from './merge';
import type { BatchFetchNode } from './planNodes';
import { Representations } from './representations';
import { applyRewrites, type DataRewrite } from './rewrites';

type Path = Array<string | number>;
/** Where the errors of a batched subgraph answer land: all its places (no path), or the places of one `[alias, index, …]`. */
type Remap = (errorPath: Path | undefined) => Path[];
type Data = Record<string, unknown>;

/** What one plan execution needs; built per request. */
export interface ExecutionInput {
  plan: QueryPlan;
  variables: Readonly<Record<string, unknown>>;
  /** Defaults of the operation's variables (for Condition nodes). */
  variableDefaults: Readonly<Record<string, unknown>>;
  clients: ReadonlyMap<string, SubgraphClient>;
  supergraphSchema: GraphQLSchema;
  /** What the subgraph requests carry besides operation and variables (headers, claims, and their digest). */
  identity?: SubgraphRequests | undefined;
  /** Cache policy and caches for this request. */
  cache?: ExecutionCache;
  /** When this request's subgraph work must end (ms since the epoch; `traffic.requestTimeoutMs`). */
  deadline?: number;
  /** Tracing on: the `graphql.execute` span, parent of every `subgraph.fetch` span. */
  trace?: TraceSpan | undefined;
  /**
   * Incremental delivery (`@defer` to a client that takes parts): told when the primary part's fetches are done
   * and when each deferred part's are, with the errors of each. Absent: Defer nodes run to one whole answer.
   */
  defer?: DeferSink | undefined;
  /** While a canary release runs: each subgraph fetch's outcome and time is appended (the canary judge). */
  fetches?: FetchRecord[] | undefined;
}

/** One subgraph fetch as the request saw it: retries and a shared in-flight exchange included. */
export interface FetchRecord {
  subgraph: string;
  /** No answer (unreachable, timeout, HTTP error, not JSON), or an answer with errors. */
  failed: boolean;
  ms: number;
}

/** The record of a fetch begun at `started` (performance.now()) that came back as `response` (both executors). */
export function fetchRecord(subgraph: string, response: Pick<SubgraphResponse, 'failed' | 'errors'>, started: number): FetchRecord {
  return { subgraph, failed: response.failed === true || (response.errors?.length ?? 0) > 0, ms: performance.now() - started };
}

/** Receives the parts of a Defer node as they complete (the data is the run's one merged tree: `root`). */
export interface DeferSink {
  primary(node: DeferNode, root: Record<string, unknown>, errors: readonly GraphQLError[]): void;
  deferred(node: DeferredNode, root: Record<string, unknown>, errors: readonly GraphQLError[]): void;
  /** A part just completed holds `count` deferred parts of its own (a nested `@defer`): more will follow. */
  more(count: number): void;
}

export interface ExecutionCache {
  /** The request's overall cache policy (Apollo Server's), restricted by every subgraph answer used. */
  policy: { restrict(hint: { maxAge?: number; scope?: 'PUBLIC' | 'PRIVATE' }): void } | undefined;
  /** Collects what a cached response of this request depends on (response cache on). */
  responseTags: Set<string> | undefined;
  /** The entity cache (on for at least one subgraph), the supergraph's entity keys and id, and the principal's id. */
  entities: { cache: EntityCache; keys: EntityKeys; principal: string | undefined; supergraph: string } | undefined;
}

/** One subgraph answer as the plan uses it. */
interface Received {
  data: Data | undefined | null;
  hint: CacheHint;
  /** The answer carried errors: nothing of it is cached. */
  failed: boolean;
}

/**
 * Runs a query plan against the subgraphs and returns the merged, unshaped data and the errors — the same
 * semantics as @apollo/gateway's executeQueryPlan (Sequence, Parallel, Flatten, Fetch with requires/rewrites,
 * Condition), with fewer allocations and no tracing machinery on the hot path.
 */
export async function executePlan(input: ExecutionInput): Promise<{ data: Data; errors: GraphQLError[] }> {
  const data: Data = Object.create(null);
  const run = new PlanRun(input, data);
  // Subscription plans run event by event (executeSubscriptionEvent); Defer nodes never reach here:
  // prepareOperation (prepare.ts) leaves them to @apollo/gateway's executor.
  if (input.plan.node) await run.node(input.plan.node as PlanNode, [], data);
  return { data, errors: run.errors };
}

/**
 * One event of a subscription: what the owning subgraph sent for the plan's primary fetch (`event`, the
 * caller's own copy: it is merged into) becomes the root data, and the rest of the plan (entity fetches to
 * other subgraphs) runs on it as for a query — caches, dedup, retries, breaker and identity included.
 */
export async function executeSubscriptionEvent(
  input: ExecutionInput,
  primary: FetchNode,
  rest: PlanNode | undefined,
  event: { data?: unknown; errors?: ReadonlyArray<Record<string, unknown>> | undefined },
): Promise<{ data: Data; errors: GraphQLError[] }> {
  const data: Data = Object.create(null);
  const run = new PlanRun(input, data);
  for (const raw of event.errors ?? []) run.errors.push(downstreamError(raw, primary.serviceName, Array.isArray(raw.path) ? (raw.path as Path) : undefined));
  if (event.data && typeof event.data === 'object') {
    if (primary.outputRewrites) applyRewrites(input.supergraphSchema, primary.outputRewrites as readonly DataRewrite[], event.data as Data);
    mergeInto(data, event.data as Data);
    if (rest) await run.node(rest, [], data);
  }
  return { data, errors: run.errors };
}

class PlanRun {
  readonly errors: GraphQLError[] = [];

  constructor(
    private input: ExecutionInput,
    private readonly root: Data,
  ) {}

  async node(node: PlanNode, path: Path, data: unknown): Promise<void> {
    switch (node.kind) {
      case 'Sequence':
        for (const child of node.nodes) await this.node(child, path, data);
        return;
      case 'Parallel':
        await Promise.all(node.nodes.map((child) => this.node(child, path, data)));
        return;
      case 'Flatten': {
        const moved = flatten(data, node.path, 0);
        if (moved === undefined || moved === null) return;
        return this.node(node.node, path.concat(node.path), moved);
      }
      case 'Fetch':
        try {
          await this.fetch(node, path, data);
        } catch (err) {
          this.errors.push(err instanceof GraphQLError ? err : new GraphQLError(err instanceof Error ? err.message : String(err)));
        }
        return;
      case 'Condition': {
        const value = this.input.variables[node.condition] ?? this.input.variableDefaults[node.condition];
        const branch = value === true ? node.ifClause : node.elseClause;
        if (branch) await this.node(branch, path, data);
        return;
      }
      case 'Defer':
        return this.defer(node, path, data);
      case 'BatchFetch' as PlanNode['kind']:
        try {
          await this.batch(node as unknown as BatchFetchNode);
        } catch (err) {
          this.errors.push(err instanceof GraphQLError ? err : new GraphQLError(err instanceof Error ? err.message : String(err)));
        }
        return;
      default:
        throw new Error(`plan node ${(node as PlanNode).kind} is not supported by the fast executor`);
    }
  }

  /**
   * A Defer node: the primary part's fetches, then each deferred part as soon as the fetches it depends on are
   * done — independently of the others. With a sink each part is reported when its own fetches finish (its
   * errors apart); without, everything merges into one answer.
   */
  private async defer(node: DeferNode, path: Path, data: unknown): Promise<void> {
    if (node.primary.node) await this.node(node.primary.node, path, data);
    const sink = this.input.defer;
    if (sink) {
      // Parts are reported from here on; a nested Defer node is reached through deferredParts, never as a primary.
      this.input = { ...this.input, defer: undefined };
      sink.primary(node, this.root, [...this.errors]);
    }
    await this.deferredParts(node.deferred, path, data, sink);
  }

  private async deferredParts(list: readonly DeferredNode[], path: Path, data: unknown, sink: DeferSink | undefined): Promise<void> {
    const finished = new Map<string, Promise<void>>();
    const runs = list.map((d) => {
      const run = sink ? new PlanRun(this.input, this.root) : this;
      const done = (async () => {
        await Promise.all(d.depends.map((dep) => finished.get(dep.id)));
        // A defer nested in this one: its primary completes this part; its own deferred parts follow.
        const inner = d.node?.kind === 'Defer' ? d.node : undefined;
        if (inner) {
          if (inner.primary.node) await run.node(inner.primary.node, path, data);
          sink?.more(inner.deferred.length);
          sink?.deferred(d, this.root, run.errors);
          await run.deferredParts(inner.deferred, path, data, sink);
          return;
        }
        if (d.node) await run.node(d.node, path, data);
        sink?.deferred(d, this.root, run.errors);
      })();
      for (const id of fetchIdsOf(d.node)) finished.set(id, done);
      return done;
    });
    await Promise.all(runs);
  }

  /**
   * Hive's BatchFetch: the entities at every path of every alias, one subgraph request with one `_entities`
   * selection per alias (`$<representationsVariableName>` each), answers merged back per alias. Representations
   * are deduplicated per alias as in a Fetch; the entity cache is not consulted (one request serves many paths).
   */
  private async batch(batch: BatchFetchNode): Promise<void> {
    const fetch = batch as unknown as FetchNode;
    const client = this.input.clients.get(batch.serviceName);
    if (!client) throw new Error(`Couldn't find service with name "${batch.serviceName}"`);
    const variables: Record<string, unknown> = Object.create(null);
    for (const name of batch.variableUsages) if (Object.prototype.hasOwnProperty.call(this.input.variables, name)) variables[name] = this.input.variables[name];
    const parts: Array<{ alias: BatchFetchNode['entityBatch']['aliases'][number]; entities: Data[]; places: () => Path[]; owners: number[][]; count: number }> = [];
    for (const alias of batch.entityBatch.aliases) {
      const entities: Data[] = [];
      // Where each entity is (flatten path, index in its list): turned into response paths only for errors.
      const fromPath: Path[] = [];
      const fromIndex: number[] = [];
      const found: unknown[] = [];
      for (const flattenPath of alias.paths) {
        found.length = 0;
        flattenInto(this.root, flattenPath, 0, found);
        for (let i = 0; i < found.length; i++) {
          const e = found[i];
          if (e === null || e === undefined) continue;
          entities.push(e as Data);
          fromPath.push(flattenPath as Path);
          fromIndex.push(i);
        }
      }
      const distinct = new Representations(this.input.supergraphSchema, alias.requires, alias.inputRewrites);
      for (let i = 0; i < entities.length; i++) distinct.add(entities[i] as Data, i);
      const { list: representations, owners } = distinct;
      variables[alias.representationsVariableName] = representations;
      let places: Path[] | undefined;
      const root = this.root;
      const placesOf = (): Path[] => {
        if (places) return places;
        const concrete = new Map<Path, Path[]>();
        places = fromPath.map((flattenPath, j) => {
          let paths = concrete.get(flattenPath);
          if (!paths) concrete.set(flattenPath, (paths = hydratedPaths(flattenPath, root)));
          return paths[fromIndex[j] as number] ?? [];
        });
        return places;
      };
      parts.push({ alias, entities, places: placesOf, owners, count: representations.length });
    }
    if (parts.every((p) => p.count === 0)) return;
    const byAlias = new Map(parts.map((p) => [p.alias.alias, p]));
    const remap: Remap = (errorPath) => {
      if (!errorPath) return parts.flatMap((p) => p.places());
      const part = byAlias.get(String(errorPath[0]));
      const index = errorPath[1];
      if (!part || typeof index !== 'number') return [];
      return (part.owners[index] ?? []).map((owner) => [...(part.places()[owner] ?? []), ...errorPath.slice(2)]);
    };
    const answer = await this.send(client, fetch, variables, [], remap);
    if (!answer.data) return;
    for (const part of parts) {
      const list = answer.data[part.alias.alias];
      if (part.count === 0 || !Array.isArray(list)) continue;
      for (let i = 0; i < list.length && i < part.owners.length; i++) {
        const received = (list[i] ?? null) as Data | null;
        const targets = part.owners[i] as number[];
        for (const owner of targets) {
          const existing = part.entities[owner] as Data;
          if (received && !received.__typename) received.__typename = existing.__typename;
          if (received && owner === targets[0]) applyRewrites(this.input.supergraphSchema, part.alias.outputRewrites, received);
          mergeInto(existing, received);
        }
      }
    }
  }

  private async fetch(fetch: FetchNode, path: Path, data: unknown): Promise<void> {
    const client = this.input.clients.get(fetch.serviceName);
    if (!client) throw new Error(`Couldn't find service with name "${fetch.serviceName}"`);
    const entities: Data[] = [];
    if (Array.isArray(data)) {
      for (const e of data) if (e !== null && e !== undefined) entities.push(e as Data);
    } else {
      entities.push(data as Data);
    }
    if (entities.length === 0) return;
    const variables: Record<string, unknown> = Object.create(null);
    for (const name of fetch.variableUsages ?? []) {
      const value = this.input.variables[name];
      if (value !== undefined && Object.prototype.hasOwnProperty.call(this.input.variables, name)) variables[name] = value;
    }

    const caching = this.input.cache?.entities;
    const capSec = caching && fetch.operationKind === 'query' ? caching.cache.capFor(fetch.serviceName) : 0;

    if (!fetch.requires) {
      let received: Data | undefined | null;
      const entries = capSec > 0 && caching ? new FetchEntries(fetch, this.input.supergraphSchema, caching.keys, variables, this.input.identity?.vary.get(fetch.serviceName), caching.supergraph) : undefined;
      const entry = entries?.root();
      const hit = entry && caching ? (await caching.cache.lookup([entry], caching.principal))[0] : undefined;
      if (hit) {
        received = hit.data as Data; // parsed afresh for this request: safe to merge into
        this.used(fetch, hit.hint);
      } else {
        const sentAt = Date.now();
        const answer = await this.send(client, fetch, variables, path, undefined);
        received = answer.data;
        if (entry && caching && !answer.failed) caching.cache.save(entry, received, answer.hint, sentAt, capSec, caching.principal);
      }
      if (!received) return;
      if (fetch.outputRewrites) applyRewrites(this.input.supergraphSchema, fetch.outputRewrites as readonly DataRewrite[], received);
      for (const entity of entities) mergeInto(entity, received);
      return;
    }

    // Each distinct representation once (the same product under many reviews is asked for once); `owners`
    // lists, per representation sent, the entities its answer is merged into.
    const distinct = new Representations(this.input.supergraphSchema, fetch.requires, fetch.inputRewrites as readonly DataRewrite[] | undefined);
    for (let i = 0; i < entities.length; i++) distinct.add(entities[i] as Data, i);
    const { list: representations, owners } = distinct;
    if (representations.length === 0) return;
    if ('representations' in variables) throw new Error('Variables cannot contain key "representations"');

    // Entity cache: look every representation up, ask the subgraph only for the misses.
    const results: Array<Data | null | undefined> = new Array(representations.length);
    let missing = representations.map((_, i) => i);
    let entryOf: Array<ReturnType<FetchEntries['entity']>> = [];
    if (capSec > 0 && caching) {
      const entries = new FetchEntries(fetch, this.input.supergraphSchema, caching.keys, variables, this.input.identity?.vary.get(fetch.serviceName), caching.supergraph);
      entryOf = representations.map((r) => entries.entity(r));
      const hits = await caching.cache.lookup(entryOf, caching.principal);
      missing = [];
      hits.forEach((hit, i) => {
        if (!hit) return void missing.push(i);
        results[i] = hit.data as Data;
        this.used(fetch, hit.hint);
      });
    }
    if (missing.length > 0) {
      const all = missing.length === representations.length;
      variables.representations = all ? representations : missing.map((i) => representations[i]);
      const sentAt = Date.now();
      const answer = await this.send(client, fetch, variables, path, all ? owners : missing.map((i) => owners[i] as number[]));
      if (!answer.data) return;
      const list = answer.data._entities;
      if (!Array.isArray(list)) throw new Error('Expected "data._entities" in response to be an array');
      if (list.length !== missing.length) throw new Error(`Expected "data._entities" to contain ${missing.length} elements`);
      for (let j = 0; j < list.length; j++) {
        const i = missing[j] as number;
        results[i] = list[j] as Data | null;
        const entry = entryOf[i];
        if (entry && caching && !answer.failed) caching.cache.save(entry, list[j], answer.hint, sentAt, capSec, caching.principal);
      }
    }
    for (let i = 0; i < results.length; i++) {
      const receivedEntity = results[i] ?? null;
      const targets = owners[i] as number[];
      for (const owner of targets) {
        const existing = entities[owner] as Data;
        if (receivedEntity && !receivedEntity.__typename) receivedEntity.__typename = existing.__typename;
        if (fetch.outputRewrites && receivedEntity && owner === targets[0]) applyRewrites(this.input.supergraphSchema, fetch.outputRewrites as readonly DataRewrite[], receivedEntity);
        mergeInto(existing, receivedEntity);
      }
    }
  }

  // A subgraph answer (fetched or cached) went into the response: it restricts the response's cache policy.
  private used(fetch: FetchNode, hint: CacheHint): void {
    const cache = this.input.cache;
    if (!cache) return;
    cache.policy?.restrict(hint);
    const tags = cache.responseTags;
    if (!tags) return;
    for (const tag of fetchTagsOf(fetch, this.input.supergraphSchema).response) tags.add(tag);
    for (const tag of hint.tags ?? []) tags.add(`g:${tag}`);
  }

  private async send(client: SubgraphClient, fetch: FetchNode, variables: Record<string, unknown>, path: Path, owners: number[][] | Remap | undefined): Promise<Received> {
    const identity = this.input.identity;
    const request = `${requestHead(fetch)}${JSON.stringify(variables)}`;
    const body = identity?.extensionsJson ? `${request}${identity.extensionsJson}}` : `${request}}`;
    // Shared in flight only with fetches that carry the same (SubgraphRequests.vary), never by raw headers.
    const vary = identity?.vary.get(fetch.serviceName);
    const options = { idempotent: fetch.operationKind === 'query', deadline: this.input.deadline, trace: this.input.trace, key: vary ? `${request}\u0000${vary}` : request };
    const fetches = this.input.fetches;
    const started = fetches ? performance.now() : 0;
    const response: SubgraphResponse = await client.send(body, identity?.headers.get(fetch.serviceName), options);
    fetches?.push(fetchRecord(fetch.serviceName, response, started));
    const hint = response.cacheHint ?? UNCACHEABLE;
    this.used(fetch, hint);
    if (typeof owners === 'function') {
      // A BatchFetch: the caller knows where each `[alias, index, …]` error path lands in the response.
      const raws = response.errors ?? [];
      for (const raw of response.failed ? raws.slice(0, 1) : raws) {
        const at = response.failed ? owners(undefined) : owners(Array.isArray(raw.path) ? (raw.path as Path) : undefined);
        for (const where of at.length > 0 ? at : [undefined]) this.errors.push(downstreamError(raw, fetch.serviceName, where));
      }
      return { data: response.data, hint, failed: raws.length > 0 };
    }
    if (response.failed && response.errors?.[0]) {
      // No answer at all: the error stands at every place the fetch was to fill — each entity it was for, or
      // each root field it was to answer.
      const raw = response.errors[0];
      if (owners) {
        const hydrated = hydratedPaths(path, this.root);
        for (const group of owners) for (const owner of group) this.errors.push(downstreamError(raw, fetch.serviceName, hydrated[owner] ?? path));
      } else {
        for (const field of rootFieldsOf(fetch)) this.errors.push(downstreamError(raw, fetch.serviceName, [...path, field]));
      }
      return { data: response.data, hint, failed: true };
    }
    if (response.errors) {
      let hydrated: Path[] | undefined;
      for (const raw of response.errors) {
        const errorPath = Array.isArray(raw.path) ? (raw.path as Path) : undefined;
        let mapped: Path | undefined;
        if (owners && typeof errorPath?.[1] === 'number') {
          // An error about one representation stands at every entity it answers for (as without deduplication).
          hydrated ??= hydratedPaths(path, this.root);
          for (const owner of owners[errorPath[1]] ?? [-1]) this.errors.push(downstreamError(raw, fetch.serviceName, [...(hydrated[owner] ?? []), ...errorPath.slice(2)]));
          continue;
        } else if (errorPath) {
          mapped = [...path, ...errorPath];
        }
        this.errors.push(downstreamError(raw, fetch.serviceName, mapped));
      }
    }
    return { data: response.data, hint, failed: response.errors !== undefined && response.errors.length > 0 };
  }
}

/** The ids of the fetches under a plan node (what later deferred parts may depend on). */
function fetchIdsOf(node: PlanNode | undefined): string[] {
  if (!node) return [];
  switch (node.kind) {
    case 'Fetch':
      return node.id ? [node.id] : [];
    case 'Sequence':
    case 'Parallel':
      return node.nodes.flatMap(fetchIdsOf);
    case 'Flatten':
      return fetchIdsOf(node.node);
    case 'Condition':
      return [...fetchIdsOf(node.ifClause), ...fetchIdsOf(node.elseClause)];
    case 'Defer':
      return [...fetchIdsOf(node.primary.node), ...node.deferred.flatMap((d) => fetchIdsOf(d.node))];
    default:
      return [];
  }
}

const rootFields = new WeakMap<FetchNode, string[]>();

// The response keys a root fetch answers (its operation's top-level fields), computed once per fetch node.
function rootFieldsOf(fetch: FetchNode): string[] {
  let fields = rootFields.get(fetch);
  if (!fields) {
    const operation = parse(fetch.operation, { noLocation: true }).definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
    fields = operation && 'selectionSet' in operation ? operation.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.alias?.value ?? s.name.value] : [])) : [];
    rootFields.set(fetch, fields);
  }
  return fields;
}

const heads = new WeakMap<FetchNode, string>();

// The constant start of a fetch's request body, serialized once per plan rather than once per request.
function requestHead(fetch: FetchNode): string {
  let head = heads.get(fetch);
  if (head === undefined) {
    const name = fetch.operationName ? `,"operationName":${JSON.stringify(fetch.operationName)}` : '';
    head = `{"query":${JSON.stringify(fetch.operation)}${name},"variables":`;
    heads.set(fetch, head);
  }
  return head;
}

// flattenResultsAtPath of @apollo/gateway: '@' maps over a list and flattens one level.
function flatten(value: unknown, path: readonly (string | number)[], i: number): unknown {
  if (i === path.length || value === undefined || value === null) return value;
  const current = path[i];
  if (current === '@') {
    const out: unknown[] = [];
    for (const element of value as unknown[]) {
      const r = flatten(element, path, i + 1);
      if (Array.isArray(r)) for (const x of r) out.push(x);
      else out.push(r);
    }
    return out;
  }
  const obj = value as Data;
  // A type condition in the path (Hive's plans: `... on A|B`): only objects of those types go on.
  if (typeof current === 'string' && current.startsWith(TYPE_CONDITION)) return typenameIn(obj, current) ? flatten(value, path, i + 1) : undefined;
  return flatten(Object.prototype.hasOwnProperty.call(obj, current as string) ? obj[current as string] : undefined, path, i + 1);
}

/**
 * What `flatten` answers, pushed into one array (an array answer's elements, or the one value): no array per
 * list level. A BatchFetch walks many paths over a large tree, so the intermediate arrays would be most of it.
 */
function flattenInto(value: unknown, path: readonly (string | number)[], i: number, out: unknown[]): void {
  if (i === path.length || value === undefined || value === null) {
    if (Array.isArray(value)) for (const x of value) out.push(x);
    else out.push(value);
    return;
  }
  const current = path[i];
  if (current === '@') {
    for (const element of value as unknown[]) flattenInto(element, path, i + 1, out);
    return;
  }
  const obj = value as Data;
  if (typeof current === 'string' && current.startsWith(TYPE_CONDITION)) {
    if (typenameIn(obj, current)) flattenInto(value, path, i + 1, out);
    else out.push(undefined);
    return;
  }
  flattenInto(Object.prototype.hasOwnProperty.call(obj, current as string) ? obj[current as string] : undefined, path, i + 1, out);
}

/** A Flatten path's type condition (Hive's plans): `... on A|B`, the exact typenames that go on. */
const TYPE_CONDITION = '... on ';

function typenameIn(obj: Data, condition: string): boolean {
  const typename = obj.__typename;
  return typeof typename !== 'string' || condition.slice(TYPE_CONDITION.length).split('|').includes(typename);
}

// The concrete response path of every non-null entity under a flatten path, in flatten order (only on errors).
function hydratedPaths(path: Path, root: Data): Path[] {
  const result: Path[] = [];
  const walk = (parent: Path, i: number, data: unknown): void => {
    if (data === null || data === undefined) return;
    const head = path[i];
    if (head === undefined) result.push(parent.slice());
    else if (typeof head === 'string' && head.startsWith(TYPE_CONDITION) && !Array.isArray(data)) {
      if (typenameIn(data as Data, head)) walk(parent, i + 1, data);
    } else if (head === '@' || (typeof head === 'string' && Array.isArray(data))) {
      (data as unknown[]).forEach((value, index) => {
        parent.push(index);
        walk(parent, head === '@' ? i + 1 : i, value);
        parent.pop();
      });
    } else if (Object.prototype.hasOwnProperty.call(data, head)) {
      parent.push(head);
      walk(parent, i + 1, (data as Data)[head as string]);
      parent.pop();
    }
  };
  walk([], 0, root);
  return result;
}

function downstreamError(raw: Record<string, unknown>, serviceName: string, path: Path | undefined): GraphQLError {
  const message = typeof raw.message === 'string' && raw.message ? raw.message : `Error while fetching subquery from service "${serviceName}"`;
  const extensions = raw.extensions && typeof raw.extensions === 'object' ? (raw.extensions as Record<string, unknown>) : {};
  const code = typeof extensions.code === 'string' ? extensions.code : 'DOWNSTREAM_SERVICE_ERROR';
  return new GraphQLError(message, { path, extensions: { ...extensions, code, serviceName } });
}
