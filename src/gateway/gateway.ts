// Deep imports: the package root also loads ApolloGateway's HTTP stack and managers, which Junction never uses.
import type { GraphQLDataSource } from '@apollo/gateway/dist/datasources/types';
import { executeQueryPlan } from '@apollo/gateway/dist/executeQueryPlan';
import { buildOperationContext } from '@apollo/gateway/dist/operationContext';
import { operationFromDocument } from '@apollo/federation-internals';
import { createHash } from 'node:crypto';
import { getVariableValues, GraphQLError, Kind, parse, validate, visit, type DocumentNode, type FragmentDefinitionNode, type GraphQLSchema } from 'graphql';
import type { QueryPlan } from '@apollo/query-planner';
import { authorizeOperation, type AuthorizationResult, type Caller } from '../authz';
import { entitiesInResult, principalKey, UNCACHEABLE, type EntityCache, type Invalidations } from '../cache';
import { LruMap, type Store } from '../store';
import { junctionError } from '../errors';
import { NOOP_SPAN, tracer, type TraceSpan } from '../observability/tracing';
import type { IdentitySigner, Principal } from '../auth';
import { executePlan, guardedShaper, prepareOperation, type PreparedOperation } from './execution';
import type { HeaderPlanner } from './headerRules';
import { subgraphRequestDescriber, type SubgraphRequestDescriber, type SubgraphRequests } from './subgraphRequests';
import { planExtensions, requestedPlan } from './planExposure';
import { SubgraphClient, type SubgraphClientOptions, type SubgraphObserver } from './subgraphClient';
import { buildSupergraphState, type SupergraphState } from './supergraphState';

export interface JunctionGatewayOptions {
  /** Transport settings for every subgraph, and per subgraph name. */
  subgraphs: { all: SubgraphClientOptions; byName: Readonly<Record<string, Partial<SubgraphClientOptions>>> };
  /** Most plans kept per supergraph (LRU). */
  planCacheMaxEntries: number;
  /** Answer the plan-inspection headers (both Apollo dialects). */
  exposeQueryPlan: boolean;
  /** Non-percentage progressive-override labels to treat as active. */
  overrideLabels: Readonly<Record<string, boolean>>;
  /** Junction's executor and compiled shaper; false runs every plan on @apollo/gateway's executor. */
  fastExecutor: boolean;
  /** What subgraphs learn about the caller (the principal is `context.principal`, set by the HTTP layer). */
  identity?: { signer: IdentitySigner | undefined; header: string; forwardClaims: boolean };
  /** Header propagation rules (compiled from gateway.yaml `headers`); undefined when there are none. */
  headerPlanner?: HeaderPlanner;
  /** A client request's subgraph work ends after this long (`traffic.requestTimeoutMs`). */
  requestTimeoutMs?: number;
  /** Where plans are shared between replicas (`queryPlan.shared`): a store keyed by supergraph and operation. */
  sharedPlans?: Store;
  /** The subgraph response header carrying cache tags (lower-case). */
  cacheTagHeader?: string;
  /** Caches (src/cache); undefined when none is on. */
  caching?: {
    invalidations: Invalidations;
    /** The entity cache, when on for at least one subgraph. */
    entities: EntityCache | undefined;
    /** The response cache is on: collect what each response depends on (see `responseTagsOf`). */
    responses: boolean;
    /** Invalidate the entities a mutation's result holds. */
    invalidateOnMutation: boolean;
  };
  /** @authenticated / @requiresScopes / @policy enforcement; policies are evaluated by the operator's rule. */
  authorization?: {
    mode: 'filter' | 'reject';
    evaluatePolicies(names: readonly string[], principal: Principal | undefined): Promise<ReadonlyMap<string, boolean>>;
  };
  /** Metrics: every subgraph fetch, and plan cache lookups (observability/metrics.ts). */
  metrics?: SubgraphObserver & { cacheRequest(cache: 'plan', result: 'hit' | 'miss'): void };
}

type ExecutorContext = Parameters<typeof executeQueryPlan>[2];

/** A request as the executor (`context`) or a plugin (`contextValue`) sees it. */
type RequestOf = { context?: unknown; contextValue?: unknown; request: { http?: { headers: Parameters<HeaderPlanner>[0] } | undefined } };

/** What the gateway reads from, and memoizes on, the GraphQL context of a request (set by the HTTP layer). */
export interface GatewayContext {
  principal?: Principal;
  /** This request's subgraph-request description, for the state it was made for. */
  subgraphRequests?: { state: SupergraphState; described: Promise<SubgraphRequests | undefined> };
}
type ExecutionResult = Awaited<ReturnType<typeof executeQueryPlan>>;
interface Authorized {
  document: DocumentNode;
  empty: boolean;
  errors: GraphQLError[];
  key: string;
  /** The filter's decision per field: the response shaper writes null wherever it says no. */
  allows: AuthorizationResult['allows'];
}

export interface PrewarmResult {
  planned: number;
  failed: Array<{ name: string | undefined; reason: string }>;
}

/**
 * The invalidation tags of each request's response, for the response cache, keyed by the request's
 * `overallCachePolicy` (the one object Apollo Server shares between its plugins' request context and the
 * gateway's; the `request` the gateway sees is a copy). Absent for a request whose response must not be cached (it ran on @apollo/gateway's executor,
 * whose fetches are not tagged).
 */
export const responseTagsOf = new WeakMap<object, Set<string>>();

/** The subgraphs each request's plan fetches from (for its access-log line), keyed like `responseTagsOf`. */
export const plannedSubgraphsOf = new WeakMap<object, readonly string[]>();
const planSubgraphs = new WeakMap<QueryPlan, readonly string[]>();

function subgraphsOfPlan(plan: QueryPlan): readonly string[] {
  let names = planSubgraphs.get(plan);
  if (!names) {
    const found = new Set<string>();
    const walk = (node: unknown): void => {
      if (!node || typeof node !== 'object') return;
      const n = node as { kind?: string; serviceName?: string };
      if (n.kind === 'Fetch' && n.serviceName) found.add(n.serviceName);
      for (const value of Object.values(node)) if (value && typeof value === 'object') walk(value);
    };
    walk(plan.node);
    names = [...found].sort();
    planSubgraphs.set(plan, names);
  }
  return names;
}

/** How many recently served operations are remembered (prewarm on a supergraph change, registry checks). */
const RECENT_OPERATIONS = 500;

type Prepared = PreparedOperation | GraphQLError | Promise<PreparedOperation | GraphQLError>;

/** Shared plans are keyed by supergraph id: old ones are never read again, only left to expire. */
const SHARED_PLAN_TTL_MS = 24 * 3600 * 1000;

// A plan as JSON: the fetches' parsed documents are left out (Junction's executor sends `operation` text and
// @apollo/gateway's only hands the document to data sources, which Junction's ignore).
function serializePlan(plan: QueryPlan): string {
  return JSON.stringify(plan, (key, value: unknown) => (key === 'operationDocumentNode' ? undefined : value));
}

function parsePlan(text: string): QueryPlan | undefined {
  try {
    const plan = JSON.parse(text) as QueryPlan;
    return plan && plan.kind === 'QueryPlan' ? plan : undefined;
  } catch {
    return undefined;
  }
}

const NO_POLICIES: ReadonlyMap<string, boolean> = new Map();

type SchemaListener = (schemaContext: { apiSchema: GraphQLSchema; coreSupergraphSdl: string }) => void;

/**
 * Junction's gateway, in Apollo Server's gateway interface: holds the active supergraph, plans operations
 * with @apollo/query-planner (plans cached per supergraph), and runs the plan against the subgraphs with
 * @apollo/gateway's executor over Junction's own HTTP client. Supergraphs are swapped with `update`.
 */
export class JunctionGateway {
  private state: SupergraphState | undefined;
  private readonly states = new WeakMap<GraphQLSchema, SupergraphState>();
  private readonly listeners = new Set<SchemaListener>();
  private readonly clients = new Map<string, SubgraphClient>();
  private readonly loaded: Promise<void>;
  /** Operations served lately (by query hash): the hot ones are planned before a new supergraph goes live. */
  private readonly recent = new LruMap<{ body: string; name: string | undefined }>(RECENT_OPERATIONS);
  /** Plans built here, plans taken from the shared store (`queryPlan.shared`), plans written to it. */
  readonly planStats = { planned: 0, shared: 0, stored: 0 };
  private markLoaded!: () => void;

  private readonly describe: SubgraphRequestDescriber;

  constructor(private readonly options: JunctionGatewayOptions) {
    this.loaded = new Promise((resolve) => (this.markLoaded = resolve));
    const identity = options.identity;
    this.describe = subgraphRequestDescriber({ headerPlanner: options.headerPlanner, signer: identity?.signer, identityHeader: identity?.header ?? '', forwardClaims: !!identity?.forwardClaims });
  }

  /** The active supergraph, if any. */
  get current(): SupergraphState | undefined {
    return this.state;
  }

  /**
   * Builds (and validates) the state of a supergraph SDL without activating it, so it can be warmed first.
   * An SDL that does not build is reported; the active SDL again answers the active state, `changed: false`.
   */
  build(supergraphSdl: string): { ok: true; state: SupergraphState; changed: boolean } | { ok: false; reason: string } {
    if (this.state && this.state.supergraphSdl === supergraphSdl) return { ok: true, state: this.state, changed: false };
    try {
      const state = buildSupergraphState(supergraphSdl, this.options, (name, url) => this.clientFor(name, url));
      return { ok: true, state, changed: state.id !== this.state?.id };
    } catch (err) {
      return { ok: false, reason: err instanceof Error ? err.message : String(err) };
    }
  }

  /** Makes a built state the active one: new requests use it, requests under way finish on theirs. */
  activate(next: SupergraphState): void {
    if (next === this.state) return;
    this.state = next;
    this.states.set(next.schema, next);
    this.closeUnusedClients(next);
    for (const listener of this.listeners) listener({ apiSchema: next.schema, coreSupergraphSdl: next.supergraphSdl });
    this.markLoaded();
  }

  /** Builds and activates a supergraph SDL; one that does not build keeps the previous supergraph active. */
  update(supergraphSdl: string): { ok: true; id: string; changed: boolean } | { ok: false; reason: string } {
    const built = this.build(supergraphSdl);
    if (!built.ok) return built;
    if (built.changed) this.activate(built.state);
    return { ok: true, id: built.state.id, changed: built.changed };
  }

  /** The state a client-facing schema belongs to (the active one, or an older one requests still use). */
  stateFor(apiSchema: GraphQLSchema): SupergraphState | undefined {
    return this.states.get(apiSchema);
  }

  onSchemaLoadOrUpdate(callback: SchemaListener): () => void {
    this.listeners.add(callback);
    return () => this.listeners.delete(callback);
  }

  /** Apollo Server calls this once at start: it resolves when the first supergraph is active. */
  async load(): Promise<{ executor: (requestContext: ExecutorContext) => Promise<ExecutionResult> }> {
    await this.loaded;
    const state = this.state as SupergraphState;
    for (const listener of this.listeners) listener({ apiSchema: state.schema, coreSupergraphSdl: state.supergraphSdl });
    return { executor: (rc) => this.execute(rc) };
  }

  async stop(): Promise<void> {
    await Promise.all([...this.clients.values()].map((c) => c.close()));
    this.clients.clear();
  }

  private async execute(rc: ExecutorContext): Promise<ExecutionResult> {
    const state = this.states.get(rc.schema) ?? (this.state as SupergraphState);
    if (rc.operation.operation === 'subscription') {
      return { errors: [junctionError('OPERATION_NOT_SUPPORTED', 'Subscriptions are not supported by this gateway.')] };
    }
    // Variables are coerced against the client's operation before anything is planned or fetched (as stock
    // @apollo/gateway does): a wrongly typed or missing one is the client's error, never a subgraph's.
    const definitions = rc.operation.variableDefinitions;
    if (definitions && definitions.length > 0) {
      const coerced = getVariableValues(state.schema, definitions, rc.request.variables ?? {}, { maxErrors: 10 });
      if (coerced.errors) return { errors: coerced.errors.map((e) => junctionError('BAD_USER_INPUT', e.message)) };
    }
    if (rc.source !== undefined && this.recent.get(rc.queryHash) === undefined) this.recent.set(rc.queryHash, { body: rc.source, name: rc.operationName ?? undefined });
    const planRequest = this.options.exposeQueryPlan ? requestedPlan(rc.request.http?.headers) : undefined;
    // Tracing on: the request span (the HTTP layer's, in the context) parents authorize, plan and execute.
    const trace = tracer.enabled ? (rc.context as { span?: TraceSpan } | undefined)?.span : undefined;
    // Authorization before planning: what the caller may not see is never planned, so no subgraph sees it.
    const authorizeSpan = trace ? tracer.startSpan('graphql.authorize', trace) : NOOP_SPAN;
    const authorized = await this.authorize(state, rc);
    authorizeSpan.setAttribute('graphql.authorization.restricted', authorized !== undefined);
    if (authorized instanceof GraphQLError) authorizeSpan.recordError(authorized);
    authorizeSpan.end();
    if (authorized instanceof GraphQLError) return { errors: [authorized] };
    const planSpan = trace ? tracer.startSpan('graphql.plan', trace) : NOOP_SPAN;
    const plannedBefore = this.planStats.planned;
    const pending = this.planFor(state, rc, authorized);
    // A plan from this state's cache comes back synchronously without planning anything.
    planSpan.setAttribute('graphql.plan.cache_hit', !(pending instanceof Promise) && this.planStats.planned === plannedBefore);
    const prepared = pending instanceof Promise ? await pending : pending;
    if (prepared instanceof GraphQLError) planSpan.recordError(prepared);
    planSpan.end();
    if (prepared instanceof GraphQLError) return { errors: [prepared] };
    const { plan } = prepared;

    if (planRequest?.router === 'dry-run') return { extensions: planExtensions(plan, planRequest) };
    plannedSubgraphsOf.set(rc.overallCachePolicy, subgraphsOfPlan(plan));
    const denied = authorized?.errors ?? [];
    const executeSpan = trace ? tracer.startSpan('graphql.execute', trace) : undefined;
    const result = prepared.fast ? await this.executeFast(state, rc, prepared, denied, executeSpan) : await this.executeStock(state, rc, prepared, authorized, executeSpan);
    if (executeSpan) {
      executeSpan.setAttribute('graphql.errors', result.errors?.length ?? 0);
      executeSpan.end();
    }
    if (denied.length > 0 && !prepared.fast) result.errors = [...denied, ...(result.errors ?? [])];
    if (rc.operation.operation === 'mutation') await this.invalidateMutated(state, rc, result.data);
    if (planRequest) result.extensions = { ...result.extensions, ...planExtensions(plan, planRequest) };
    return result;
  }

  // Junction's executor and compiled shaper (see execution/): the path nearly every operation takes.
  private async executeFast(state: SupergraphState, rc: ExecutorContext, prepared: PreparedOperation, denied: readonly GraphQLError[], trace?: TraceSpan): Promise<ExecutionResult> {
    const fast = prepared.fast as NonNullable<PreparedOperation['fast']>;
    const variables = rc.request.variables ?? {};
    const caching = this.options.caching;
    const responseTags = caching?.responses ? new Set<string>() : undefined;
    if (responseTags) responseTagsOf.set(rc.overallCachePolicy, responseTags);
    const principal = (rc.context as { principal?: Principal } | undefined)?.principal;
    const { data, errors } = await executePlan({
      plan: prepared.plan,
      variables,
      variableDefaults: fast.variableDefaults,
      clients: state.clients,
      supergraphSchema: state.supergraphSchema,
      identity: await this.identityFor(state, rc),
      ...(this.options.requestTimeoutMs ? { deadline: Date.now() + this.options.requestTimeoutMs } : {}),
      trace,
      cache: {
        policy: rc.overallCachePolicy,
        responseTags,
        entities: caching?.entities ? { cache: caching.entities, keys: state.entityKeys, principal: principalKey(principal) } : undefined,
      },
    });
    const shaped = fast.shaper(data, variables);
    if (denied.length > 0 || errors.length > 0) return { errors: [...denied, ...errors], data: shaped.data };
    // As @apollo/gateway does: completion problems are reported apart when nothing else failed.
    return shaped.errors.length > 0 ? { extensions: { valueCompletion: shaped.errors }, data: shaped.data } : { data: shaped.data };
  }

  // @apollo/gateway's executor, for what the fast path leaves out (@defer, @fromContext, introspection mixes).
  private readonly authorizations = new WeakMap<DocumentNode, Map<string, AuthorizationResult>>();

  private async executeStock(state: SupergraphState, rc: ExecutorContext, prepared: PreparedOperation, authorized: Authorized | undefined, trace?: TraceSpan): Promise<ExecutionResult> {
    // A restricted caller: stock shapes from the filtered operation (what was removed is never written), with
    // every object's __typename, and the guarded shaper then writes the client's shape (null where removed).
    const operationContext = buildOperationContext({
      schema: state.schema,
      operationDocument: authorized ? (prepared.guarded ? withTypenames(authorized.document) : authorized.document) : rc.document,
      operationName: authorized ? undefined : (rc.request.operationName ?? undefined),
    });
    const identity = await this.identityFor(state, rc);
    const result = await executeQueryPlan(prepared.plan, this.serviceMap(state, identity, rc.overallCachePolicy, trace), rc, operationContext, state.supergraphSchema, state.apiSchema);
    if (authorized && prepared.guarded && result.data) result.data = prepared.guarded(result.data, rc.request.variables ?? {}).data;
    return result;
  }

  // A mutation's result names the entities it changed: their cached copies (and responses holding their type) go.
  private async invalidateMutated(state: SupergraphState, rc: ExecutorContext, data: ExecutionResult['data']): Promise<void> {
    const caching = this.options.caching;
    if (!caching?.invalidateOnMutation || !data) return;
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of rc.document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    const targets = entitiesInResult(state.schema, rc.operation, fragments, data, state.entityKeys);
    if (targets.length > 0) await caching.invalidations.invalidate(targets);
  }

  /**
   * What this request's subgraph requests carry (headers, identity, claims, and the digest every cache and
   * dedup key derives from), described once per request: the response cache asks first, the executor reuses it.
   */
  private identityFor(state: SupergraphState, rc: RequestOf): Promise<SubgraphRequests | undefined> {
    const context = (rc.context ?? rc.contextValue) as GatewayContext | undefined;
    const known = context?.subgraphRequests;
    if (known && known.state === state) return known.described;
    const described = this.describe(state.clients.keys(), rc.request.http?.headers, context?.principal);
    if (context) context.subgraphRequests = { state, described };
    return described;
  }

  /**
   * The operation this caller may run: undefined when nothing is restricted for them, a refusal in reject mode,
   * else the filtered document (planned instead of the original), the errors for what was removed, and a key
   * naming the filter outcome (part of the plan-cache key).
   */
  private async authorize(state: SupergraphState, rc: ExecutorContext): Promise<Authorized | GraphQLError | undefined> {
    const principal = (rc.context as { principal?: Principal } | undefined)?.principal;
    const outcome = await this.authorization(state, rc.document, rc.request.operationName ?? undefined, principal);
    if (!outcome) return undefined;
    const { result, callerKey } = outcome;
    if (this.options.authorization?.mode === 'reject') {
      return junctionError('UNAUTHORIZED_FIELD_OR_TYPE', `Unauthorized field or type at ${result.unauthorized.map((u) => u.path.join('.')).join(', ')}.`);
    }
    const errors = result.unauthorized.map(
      (u) => new GraphQLError('Unauthorized field or type', { path: [...u.path], extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' } }),
    );
    return { document: result.document, empty: result.empty, errors, key: callerKey, allows: result.allows };
  }

  /**
   * What this caller may not see of the operation, as a key: '' when nothing is restricted for them. Callers
   * with the same key get the same answer from the same data (the response cache keys on it).
   */
  async authorizationKey(apiSchema: GraphQLSchema, document: DocumentNode, operationName: string | undefined, principal: Principal | undefined): Promise<string> {
    const state = this.states.get(apiSchema);
    const outcome = state ? await this.authorization(state, document, operationName, principal) : undefined;
    return outcome ? JSON.stringify(outcome.result.unauthorized.map((u) => u.path)) : '';
  }

  /**
   * What a response depends on besides the operation, its variables and the caller's authorization: every
   * subgraph request's digest (see SubgraphRequests). '' when the subgraphs are sent nothing extra.
   */
  async subgraphRequestsKey(apiSchema: GraphQLSchema, rc: RequestOf): Promise<string> {
    const state = this.states.get(apiSchema);
    if (!state) return '';
    return (await this.identityFor(state, rc))?.key ?? '';
  }

  // The authorization outcome, cached per document and caller class; undefined when nothing is restricted.
  private async authorization(
    state: SupergraphState,
    document: DocumentNode,
    operationName: string | undefined,
    principal: Principal | undefined,
  ): Promise<{ result: AuthorizationResult; callerKey: string } | undefined> {
    const authz = this.options.authorization;
    const index = state.authorization;
    if (!authz || !index) return undefined;
    const caller: Caller = {
      authenticated: principal !== undefined,
      scopes: principal?.scopes ?? [],
      policies: index.policies.length > 0 ? await authz.evaluatePolicies(index.policies, principal) : NO_POLICIES,
    };
    // JSON, not joined strings: a scope may hold any character ("read:email x" is not "read:email" and "x").
    const callerKey = JSON.stringify([caller.authenticated, [...caller.scopes].sort(), [...caller.policies].filter(([, ok]) => ok).map(([n]) => n).sort()]);
    let byCaller = this.authorizations.get(document);
    if (!byCaller) this.authorizations.set(document, (byCaller = new Map()));
    let result = byCaller.get(`${operationName ?? ''}\u0000${callerKey}`);
    if (!result) {
      result = authorizeOperation(index, state.schema, document, operationName, caller);
      byCaller.set(`${operationName ?? ''}\u0000${callerKey}`, result);
    }
    return result.unauthorized.length === 0 ? undefined : { result, callerKey };
  }

  private planFor(state: SupergraphState, rc: ExecutorContext, authorized?: Authorized): Prepared {
    return this.prepare(state, rc.document, rc.queryHash, rc.operationName ?? undefined, authorized);
  }

  /**
   * The prepared plan of an operation: from the state's plan cache (synchronously: the hot path), else from
   * the shared plan store (`queryPlan.shared`), else planned now. Keyed by the query's hash, the operation it
   * names (as resolved: a request that leaves out the name of a document's only operation shares the plan of
   * one that sends it), the active override labels and the caller's authorization outcome; the state is the
   * supergraph, so a new supergraph never sees an old plan and an unchanged one keeps them all.
   */
  private prepare(state: SupergraphState, document: DocumentNode, queryHash: string, operationName: string | undefined, authorized?: Authorized): Prepared {
    const override = state.override.roll();
    const key = `${queryHash}\u0000${operationName ?? ''}\u0000${override.key}${authorized ? `\u0000${authorized.key}` : ''}`;
    const cached = state.plans.get(key);
    this.options.metrics?.cacheRequest('plan', cached ? 'hit' : 'miss');
    if (cached) return cached;
    const planned = authorized?.document ?? document;
    const conflict = state.requiresConflicts.check(planned, state.schema);
    if (conflict) return conflict;
    const build = (): PreparedOperation | GraphQLError => {
      try {
        // Everything removed: nothing to fetch; the shaper still answers null for every root field.
        const plan: QueryPlan = authorized?.empty
          ? { kind: 'QueryPlan', node: undefined }
          : state.planner.buildQueryPlan(operationFromDocument(state.apiSchema, planned, { operationName }), override.conditions ? { overrideConditions: override.conditions } : {});
        this.planStats.planned++;
        return this.finish(state, key, plan, document, operationName, authorized);
      } catch (err) {
        // Planner errors about the operation are safe to show; anything else is an internal failure.
        if (err instanceof GraphQLError) return junctionError('QUERY_PLANNING_FAILED', err.message);
        throw err;
      }
    };
    const shared = this.options.sharedPlans;
    if (!shared) return build();
    const sharedKey = createHash('sha256').update(`${state.id}\u0000${key}`).digest('hex');
    return shared.get(sharedKey).then((text) => {
      const plan = text === undefined ? undefined : parsePlan(text);
      if (plan) {
        this.planStats.shared++;
        return this.finish(state, key, plan, document, operationName, authorized);
      }
      const prepared = build();
      if (!(prepared instanceof GraphQLError)) {
        void shared.set(sharedKey, serializePlan(prepared.plan), SHARED_PLAN_TTL_MS).then((stored) => {
          if (stored) this.planStats.stored++;
        });
      }
      return prepared;
    });
  }

  // The client's document is shaped, never the filtered one: with a guard, so what authorization removed is null.
  private finish(state: SupergraphState, key: string, plan: QueryPlan, document: DocumentNode, operationName: string | undefined, authorized: Authorized | undefined): PreparedOperation {
    const guard = authorized?.allows;
    const prepared = this.options.fastExecutor
      ? prepareOperation(plan, document, operationName, state.schema, guard)
      : guard
        ? { plan, guarded: guardedShaper(document, operationName, state.schema, guard) }
        : { plan };
    state.plans.set(key, prepared);
    return prepared;
  }

  /** Operations served lately, most recent last. */
  recentOperations(): Array<{ body: string; name: string | undefined }> {
    return this.recent.values();
  }

  /**
   * Plans operations ahead of traffic (persisted-query manifests at start, after a manifest change, and on a
   * new supergraph before it is activated), as an unrestricted caller would run them. The event loop is
   * yielded between operations, so requests keep flowing while a large manifest is planned.
   */
  async prewarm(operations: Iterable<{ body: string; name?: string | undefined }>, state: SupergraphState | undefined = this.state): Promise<PrewarmResult> {
    const result: PrewarmResult = { planned: 0, failed: [] };
    if (!state) return result;
    for (const { body, name } of operations) {
      await new Promise((resolve) => setImmediate(resolve));
      let document: DocumentNode;
      try {
        document = parse(body);
      } catch (err) {
        result.failed.push({ name, reason: err instanceof Error ? err.message : String(err) });
        continue;
      }
      const invalid = validate(state.schema, document);
      if (invalid.length > 0) {
        result.failed.push({ name, reason: invalid[0]?.message ?? 'invalid' });
        continue;
      }
      // A manifest's name is a label; the document decides which operations exist.
      const defined = operationNames(document);
      const names = name !== undefined && defined.includes(name) ? [name] : defined;
      const queryHash = createHash('sha256').update(body).digest('hex');
      for (const operationName of names) {
        try {
          const prepared = await this.prepare(state, document, queryHash, operationName);
          if (prepared instanceof GraphQLError) result.failed.push({ name: operationName, reason: prepared.message });
          else result.planned++;
        } catch (err) {
          result.failed.push({ name: operationName, reason: err instanceof Error ? err.message : String(err) });
        }
      }
    }
    return result;
  }

  private serviceMap(state: SupergraphState, identity: SubgraphRequests | undefined, policy: ExecutorContext['overallCachePolicy'], trace?: TraceSpan): Record<string, GraphQLDataSource> {
    const map: Record<string, GraphQLDataSource> = Object.create(null);
    const extensions = identity?.extensionsJson ? (JSON.parse(`{${identity.extensionsJson.slice(1)}}`) as { extensions: Record<string, unknown> }).extensions : undefined;
    for (const [name, client] of state.clients) {
      map[name] = {
        process: async ({ request }) => {
          const response = await client.fetch(
            { query: request.query ?? '', operationName: request.operationName, variables: request.variables, ...(extensions ? { extensions } : {}) },
            identity?.headers.get(name),
            trace,
          );
          // As @apollo/gateway's RemoteGraphQLDataSource (honorSubgraphCacheControlHeader) does.
          policy?.restrict(response.cacheHint ?? UNCACHEABLE);
          return response as Awaited<ReturnType<GraphQLDataSource['process']>>;
        },
      };
    }
    return map;
  }

  private clientFor(name: string, url: string): SubgraphClient {
    const key = `${name}\u0000${url}`;
    let client = this.clients.get(key);
    if (!client) {
      client = new SubgraphClient(name, url, { ...this.options.subgraphs.all, ...this.options.subgraphs.byName[name], cacheTagHeader: this.options.cacheTagHeader, observer: this.options.metrics });
      this.clients.set(key, client);
    }
    return client;
  }

  // Clients no supergraph routes to any more close once requests still running on the old state are done.
  private closeUnusedClients(state: SupergraphState): void {
    const inUse = new Set(state.clients.values());
    for (const [key, client] of this.clients) {
      if (inUse.has(client)) continue;
      this.clients.delete(key);
      setTimeout(() => void client.close(), this.options.subgraphs.all.timeoutMs).unref();
    }
  }
}

/** The document with `__typename` selected in every selection set (so a shaper can tell each object's type). */
function withTypenames(document: DocumentNode): DocumentNode {
  return visit(document, {
    SelectionSet: {
      leave(set) {
        if (set.selections.some((s) => s.kind === Kind.FIELD && !s.alias && s.name.value === '__typename')) return undefined;
        return { ...set, selections: [...set.selections, { kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } }] };
      },
    },
  });
}

/** The operations a document defines, by name (undefined for an anonymous one). */
function operationNames(document: DocumentNode): Array<string | undefined> {
  return document.definitions.flatMap((d) => (d.kind === Kind.OPERATION_DEFINITION ? [d.name?.value] : []));
}
