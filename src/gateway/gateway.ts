// Over 300 lines: the gateway's lifecycle and its Apollo adapter; planning, authorization, stock execution,
// subscriptions, subgraph requests and mutation invalidation live in files of their own beside it.
import { getVariableValues, GraphQLError, type DocumentNode, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import type { IdentitySigner, Principal } from '../auth';
import { principalKey, type EntityCache, type Invalidations } from '../cache';
import type { Store } from '../store';
import { junctionError } from '../errors';
import { NOOP_SPAN, tracer, type TraceSpan } from '../observability/tracing';
import { executePlan, plannedDocument, type DeferSink, type ExecutionInput, type FetchRecord, type PreparedOperation } from './execution';
import { deliverDeferred } from './deferredDelivery';
import { invalidateMutated } from './mutationInvalidation';
import type { GatewayContext } from './gatewayContext';
import type { HeaderPlanner } from './headerRules';
import { OperationAuthorization, type AuthorizedOperation } from './operationAuthorization';
import { planExtensions, removedByAuthorization, requestedPlan } from './planExposure';
import { Plans, subgraphsOfPlan, type PrewarmResult } from './plans';
import { executeOnStock, type ExecutionResult, type ExecutorContext } from './stockExecution';
import { SubgraphClient, type SubgraphClientOptions, type SubgraphObserver } from './subgraphClient';
import type { SubgraphFailureReporter } from './subgraphFailureLog';
import { subgraphRequestDescriber, type SubgraphRequestDescriber, type SubgraphRequests } from './subgraphRequests';
import { buildSupergraphState, type SupergraphState } from './supergraphState';
import type { PlannerKind } from './planners';
import { SubscriptionHub, type SubscriptionHubOptions } from './subscriptions';
import { clientPoint, type Variant } from '../canary/assignment';
import { subscribeOperation, type SubscribeDeps, type SubscriptionSettings } from './subscribe';

export interface JunctionGatewayOptions {
  /** Transport settings for every subgraph, and per subgraph name. */
  subgraphs: { all: SubgraphClientOptions; byName: Readonly<Record<string, Partial<SubgraphClientOptions>>> };
  /** Most plans kept per supergraph (LRU). */
  planCacheMaxEntries: number;
  /** Answer the plan-inspection headers (both Apollo dialects). */
  exposeQueryPlan: boolean;
  /** Non-percentage progressive-override labels to treat as active. */
  overrideLabels: Readonly<Record<string, boolean>>;
  /** Which planner plans (`queryPlan.planner`). */
  planner: PlannerKind;
  /** `queryPlan.overrideStickiness`: percent(N) override labels decided per client (its key) or per request. */
  overrideStickiness?: 'client' | 'request';
  /** Junction's executor and compiled shaper; false runs every plan on @apollo/gateway's executor. */
  fastExecutor: boolean;
  /** What subgraphs learn about the caller (the principal is GatewayContext.principal, set by the pipeline). */
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
    /** The response cache is on: collect what each response depends on (GatewayContext.responseTags). */
    responses: boolean;
    /** Invalidate the entities a mutation's result holds. */
    invalidateOnMutation: boolean;
  };
  /** @authenticated / @requiresScopes / @policy enforcement; policies are evaluated by the operator's rule. */
  authorization?: {
    mode: 'filter' | 'reject';
    evaluatePolicies(names: readonly string[], principal: Principal | undefined): Promise<ReadonlyMap<string, boolean>>;
  };
  /** Why subgraph fetches fail, for operators (subgraphFailureLog.ts). */
  subgraphFailures?: SubgraphFailureReporter | undefined;
  /** Metrics: every subgraph fetch, and plan cache lookups (observability/metrics.ts). */
  metrics?: SubgraphObserver & { cacheRequest(cache: 'plan', result: 'hit' | 'miss'): void };
  /** Formats the errors of results Junction streams itself (subscription events, @defer parts) as Apollo Server formats a response's. */
  formatErrors?: ((errors: readonly GraphQLError[]) => GraphQLFormattedError[]) | undefined;
  /** Subscriptions (gateway/subscriptions): undefined when off (a subscription is then OPERATION_NOT_SUPPORTED). */
  subscriptions?: (Omit<SubscriptionHubOptions, 'upstreams'> & SubscriptionSettings) | undefined;
}

/** A request as the executor (`context`) or a plugin (`contextValue`) sees it. */
type RequestOf = { context?: unknown; contextValue?: unknown; request: { http?: { headers: Parameters<HeaderPlanner>[0] } | undefined } };

// Apollo Server hands the executor and the plugins the context object the pipeline made (see pipeline/).
function contextOf(rc: RequestOf): GatewayContext {
  return (rc.context ?? rc.contextValue ?? {}) as GatewayContext;
}

type SchemaListener = (schemaContext: { apiSchema: GraphQLSchema; coreSupergraphSdl: string }) => void;

/** The gateway interface Apollo Server drives (load the schema, follow its changes, run operations). */
export interface EngineGateway {
  load(): Promise<{ executor: (requestContext: ExecutorContext) => Promise<ExecutionResult> }>;
  onSchemaLoadOrUpdate(callback: SchemaListener): () => void;
  stop(): Promise<void>;
}

/** A canary release as served here: its candidate's state, to the clients whose point is below `percent`. */
export interface ServedCanary {
  id: string;
  percent: number;
  state: SupergraphState;
}

/**
 * Junction's gateway, in Apollo Server's gateway interface: holds the active supergraph (hot-swapped, each
 * request keeping the state it started on) and runs each operation: variables coerced, authorization
 * (operationAuthorization.ts), the plan (plans.ts), then Junction's executor (execution/) or @apollo/gateway's
 * (stockExecution.ts), with what each subgraph request carries described once (subgraphRequests.ts).
 */
export class JunctionGateway {
  private state: SupergraphState | undefined;
  /** The canary release's candidate, served beside `state` to a share of clients (see variantOf). */
  private canary: ServedCanary | undefined;
  private readonly states = new WeakMap<GraphQLSchema, SupergraphState>();
  private readonly listeners = new Set<SchemaListener>();
  private readonly canaryListeners = new Set<SchemaListener>();
  private readonly clients = new Map<string, SubgraphClient>();
  private readonly loaded: Promise<void>;
  private markLoaded!: () => void;
  private readonly plans: Plans;
  private readonly authorization: OperationAuthorization | undefined;
  private readonly describe: SubgraphRequestDescriber;
  /** Every client subscription of this process (undefined when subscriptions are off). */
  readonly subscriptions: SubscriptionHub | undefined;
  private readonly subscribeDeps: SubscribeDeps | undefined;

  constructor(private readonly options: JunctionGatewayOptions) {
    this.loaded = new Promise((resolve) => (this.markLoaded = resolve));
    this.plans = new Plans({ fastExecutor: options.fastExecutor, sharedPlans: options.sharedPlans, metrics: options.metrics });
    this.authorization = options.authorization ? new OperationAuthorization(options.authorization) : undefined;
    const identity = options.identity;
    this.describe = subgraphRequestDescriber({ headerPlanner: options.headerPlanner, signer: identity?.signer, identityHeader: identity?.header ?? '', forwardClaims: !!identity?.forwardClaims });
    const subscriptions = options.subscriptions;
    this.subscriptions = subscriptions ? new SubscriptionHub({ ...subscriptions, upstreams: subscriptions.upstreams(identity?.header ?? '') }) : undefined;
    this.subscribeDeps =
      this.subscriptions && subscriptions
        ? {
            hub: this.subscriptions,
            settings: subscriptions,
            plans: this.plans,
            authorization: this.authorization,
            describe: this.describe,
            overridePercentage: (state, clientKey) => this.overridePercentageOf(state, clientKey),
            stateById: (id) => (this.state?.id === id ? this.state : this.canary?.state.id === id ? this.canary.state : undefined),
            entities: options.caching?.entities,
            requestTimeoutMs: options.requestTimeoutMs,
          }
        : undefined;
  }

  /** The active supergraph, if any. */
  get current(): SupergraphState | undefined {
    return this.state;
  }

  /** The canary release served beside the active supergraph, if any. */
  get servedCanary(): ServedCanary | undefined {
    return this.canary;
  }

  /**
   * Which supergraph serves a client: the canary's for the clients whose point (a hash of their key salted
   * with the release's id) is below its share, the active one for everyone else. Sticky per client key.
   */
  variantOf(clientKey: string | undefined): Variant {
    const canary = this.canary;
    if (!canary) return 'stable';
    return clientPoint(canary.id, clientKey ?? 'anonymous') < canary.percent ? 'canary' : 'stable';
  }

  /** The state a variant is served from now. */
  stateOf(variant: Variant): SupergraphState | undefined {
    return variant === 'canary' && this.canary ? this.canary.state : this.state;
  }

  /**
   * Serves a canary release's candidate beside the active supergraph (or none). Requests under way finish on
   * the state they started on; when a release ends without promotion its subscriptions move to the active
   * supergraph (validated and planned again, as on a reload), so a rollback fails none of them.
   */
  setCanary(next: ServedCanary | undefined): void {
    const previous = this.canary;
    this.canary = next;
    if (next) {
      this.states.set(next.state.schema, next.state);
      if (previous?.state !== next.state) for (const listener of this.canaryListeners) listener({ apiSchema: next.state.schema, coreSupergraphSdl: next.state.supergraphSdl });
    }
    if (previous && previous.state !== next?.state && previous.state !== this.state && this.state) void this.subscriptions?.revalidate(this.state.id, this.keptStateIds());
    this.closeUnusedClients();
  }

  /**
   * The gateway Apollo Server's second engine drives: its schema is the canary's (see the pipeline's engines);
   * operations run on the same executor, on the state their schema belongs to.
   */
  canaryEngine(): EngineGateway {
    return {
      load: async () => {
        const state = this.canary?.state;
        if (!state) throw new Error('no canary release is served');
        for (const listener of this.canaryListeners) listener({ apiSchema: state.schema, coreSupergraphSdl: state.supergraphSdl });
        return { executor: (rc) => this.execute(rc) };
      },
      onSchemaLoadOrUpdate: (callback) => {
        this.canaryListeners.add(callback);
        return () => this.canaryListeners.delete(callback);
      },
      stop: async () => undefined,
    };
  }

  /** Plans built here, plans taken from the shared store (`queryPlan.shared`), plans written to it. */
  get planStats(): Plans['stats'] {
    return this.plans.stats;
  }

  /**
   * Builds (and validates) the state of a supergraph SDL without activating it, so it can be warmed first.
   * An SDL that does not build is reported; the active SDL again answers the active state, `changed: false`.
   */
  build(supergraphSdl: string): { ok: true; state: SupergraphState; changed: boolean } | { ok: false; reason: string } {
    if (this.state && this.state.supergraphSdl === supergraphSdl) return { ok: true, state: this.state, changed: false };
    // A promoted canary release: the state its clients already use (plans, subscriptions) becomes the active one.
    if (this.canary && this.canary.state.supergraphSdl === supergraphSdl) return { ok: true, state: this.canary.state, changed: true };
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
    this.closeUnusedClients();
    for (const listener of this.listeners) listener({ apiSchema: next.schema, coreSupergraphSdl: next.supergraphSdl });
    this.markLoaded();
    // Subscriptions of a canary release's clients keep their variant for their lifetime.
    void this.subscriptions?.revalidate(next.id, this.keptStateIds());
  }

  /** The state a client-facing schema belongs to (the active one, or an older one requests still use). */
  stateFor(apiSchema: GraphQLSchema): SupergraphState | undefined {
    return this.states.get(apiSchema);
  }

  onSchemaLoadOrUpdate(callback: SchemaListener): () => void {
    this.listeners.add(callback);
    return () => this.listeners.delete(callback);
  }

  /**
   * `queryPlan.overrideStickiness: client`: percent(N) override labels decided by the client's point, so one
   * client sees one side of a progressive override on every request (undefined: a random roll per request).
   */
  private overridePercentageOf(state: SupergraphState, clientKey: string | undefined): number | undefined {
    if (this.options.overrideStickiness === 'request' || state.override.labels.length === 0) return undefined;
    return clientPoint('override', clientKey ?? 'anonymous');
  }

  private keptStateIds(): ReadonlySet<string> {
    return new Set(this.canary ? [this.canary.state.id] : []);
  }

  /** Apollo Server calls this once at start: it resolves when the first supergraph is active. */
  async load(): Promise<{ executor: (requestContext: ExecutorContext) => Promise<ExecutionResult> }> {
    await this.loaded;
    const state = this.state as SupergraphState;
    for (const listener of this.listeners) listener({ apiSchema: state.schema, coreSupergraphSdl: state.supergraphSdl });
    return { executor: (rc) => this.execute(rc) };
  }

  async stop(): Promise<void> {
    this.subscriptions?.shutdown();
    await Promise.all([...this.clients.values()].map((c) => c.close()));
    this.clients.clear();
  }

  /** Operations served lately, most recent last. */
  recentOperations(): Array<{ body: string; name: string | undefined }> {
    return this.plans.recentOperations();
  }

  /** Plans operations ahead of traffic (see Plans.prewarm), on the given state or the active one. */
  async prewarm(operations: Iterable<{ body: string; name?: string | undefined }>, state: SupergraphState | undefined = this.state): Promise<PrewarmResult> {
    return state ? this.plans.prewarm(operations, state) : { planned: 0, failed: [] };
  }

  private async execute(rc: ExecutorContext): Promise<ExecutionResult> {
    const state = this.states.get(rc.schema) ?? (this.state as SupergraphState);
    // A subscription: as a query up to the plan, then the hub's stream for the transport (subscribe.ts).
    if (rc.operation.operation === 'subscription') return subscribeOperation(this.subscribeDeps, state, rc, contextOf(rc));
    // Variables are coerced against the client's operation before anything is planned or fetched (as stock
    // @apollo/gateway does): a wrongly typed or missing one is the client's error, never a subgraph's.
    const definitions = rc.operation.variableDefinitions;
    if (definitions && definitions.length > 0) {
      const coerced = getVariableValues(state.schema, definitions, rc.request.variables ?? {}, { maxErrors: 10 });
      if (coerced.errors) return { errors: coerced.errors.map((e) => junctionError('BAD_USER_INPUT', e.message)) };
    }
    this.plans.served(rc.queryHash, rc.source, rc.operationName ?? undefined);
    const context = contextOf(rc);
    const planRequest = this.options.exposeQueryPlan ? requestedPlan(rc.request.http?.headers) : undefined;
    // Tracing on: the request span (the HTTP layer's, in the context) parents authorize, plan and execute.
    const trace = tracer.enabled ? context.span : undefined;
    // Authorization before planning: what the caller may not see is never planned, so no subgraph sees it.
    const authorizeSpan = trace ? tracer.startSpan('graphql.authorize', trace) : NOOP_SPAN;
    const authorized = await this.authorizationFor(state, rc);
    authorizeSpan.setAttribute('graphql.authorization.restricted', authorized !== undefined);
    if (authorized instanceof GraphQLError) authorizeSpan.recordError(authorized);
    authorizeSpan.end();
    if (authorized instanceof GraphQLError) return { errors: [authorized] };
    const planSpan = trace ? tracer.startSpan('graphql.plan', trace) : NOOP_SPAN;
    const plannedBefore = this.plans.stats.planned;
    // With @defer, every defer labelled: each Defer node of the plan then names the fragment it delivers.
    const pending = this.plans.prepare(state, plannedDocument(state.schema, rc.document, rc.source), rc.queryHash, rc.operationName ?? undefined, authorized, this.overridePercentageOf(state, context.clientKey));
    // A plan from this state's cache comes back synchronously without planning anything.
    planSpan.setAttribute('graphql.plan.cache_hit', !(pending instanceof Promise) && this.plans.stats.planned === plannedBefore);
    const prepared = pending instanceof Promise ? await pending : pending;
    if (prepared instanceof GraphQLError) planSpan.recordError(prepared);
    planSpan.end();
    if (prepared instanceof GraphQLError) return { errors: [prepared] };
    const { plan } = prepared;

    // A dry run says what authorization removed (an empty plan with no word why looks like a bug); in extensions,
    // since errors without data would make it a failed request.
    if (planRequest?.router === 'dry-run') return { extensions: { ...planExtensions(plan, planRequest), ...removedByAuthorization(authorized?.errors) } };
    context.plannedSubgraphs = subgraphsOfPlan(plan);
    const denied = authorized?.errors ?? [];
    const executeSpan = trace ? tracer.startSpan('graphql.execute', trace) : undefined;
    const planShown = planRequest ? planExtensions(plan, planRequest) : undefined;
    const result = prepared.fast ? await this.executeFast(state, rc, prepared, denied, executeSpan, planShown) : await executeOnStock(state, rc, prepared, authorized, await this.subgraphRequestsFor(state, rc), executeSpan, this.fetchRecordsFor(rc));
    if (executeSpan) {
      executeSpan.setAttribute('graphql.errors', result.errors?.length ?? 0);
      executeSpan.end();
    }
    if (denied.length > 0 && !prepared.fast) result.errors = [...denied, ...(result.errors ?? [])];
    const caching = this.options.caching;
    if (rc.operation.operation === 'mutation' && caching?.invalidateOnMutation) await invalidateMutated(caching.invalidations, state, rc, result.data);
    if (planShown) result.extensions = { ...result.extensions, ...planShown };
    return result;
  }

  // Junction's executor and compiled shaper (see execution/): the path nearly every operation takes.
  private async executeFast(
    state: SupergraphState,
    rc: ExecutorContext,
    prepared: PreparedOperation,
    denied: readonly GraphQLError[],
    trace?: TraceSpan,
    planShown?: Record<string, unknown>,
  ): Promise<ExecutionResult> {
    const fast = prepared.fast as NonNullable<PreparedOperation['fast']>;
    const context = contextOf(rc);
    const variables = rc.request.variables ?? {};
    const caching = this.options.caching;
    const responseTags = caching?.responses ? new Set<string>() : undefined;
    context.responseTags = responseTags;
    const input: ExecutionInput = {
      plan: prepared.plan,
      variables,
      variableDefaults: fast.variableDefaults,
      clients: state.clients,
      supergraphSchema: state.supergraphSchema,
      identity: await this.subgraphRequestsFor(state, rc),
      ...(this.options.requestTimeoutMs ? { deadline: Date.now() + this.options.requestTimeoutMs } : {}),
      trace,
      cache: {
        policy: rc.overallCachePolicy,
        responseTags,
        entities: caching?.entities ? { cache: caching.entities, keys: state.entityKeys, principal: principalKey(context.principal), supergraph: state.id } : undefined,
      },
      fetches: this.fetchRecordsFor(rc),
    };
    // @defer to a client that takes parts: the stream of parts is the answer (never cached: no response tags).
    if (fast.defer && context.incremental && context.streamed) {
      context.responseTags = undefined;
      context.streamed.stream = deliverDeferred({
        schema: state.schema,
        shapers: fast.defer,
        whole: fast.shaper,
        variables,
        denied,
        formatErrors: this.options.formatErrors ?? ((errors) => errors.map((e) => e.toJSON())),
        run: (sink: DeferSink) => executePlan({ ...input, defer: sink }),
        // The answer returned below is discarded for the stream: the plan a client asked for rides in its first part.
        extensions: planShown,
      });
      return {};
    }
    const { data, errors } = await executePlan(input);
    const shaped = fast.shaper(data, variables);
    if (denied.length > 0 || errors.length > 0) return { errors: [...denied, ...errors], data: shaped.data };
    // As @apollo/gateway does: completion problems are reported apart when nothing else failed.
    return shaped.errors.length > 0 ? { extensions: { valueCompletion: shaped.errors }, data: shaped.data } : { data: shaped.data };
  }

  /**
   * The authorization outcome of this request's operation, once per request: the response cache asks first
   * (its key), the executor reuses it (what gets planned and shaped).
   */
  private authorizationFor(state: SupergraphState, rc: RequestOf & { document?: DocumentNode; operationName?: string | null; source?: string | undefined }): Promise<AuthorizedOperation | GraphQLError | undefined> {
    const authorization = this.authorization;
    if (!authorization || !state.authorization || !rc.document) return Promise.resolve(undefined);
    const context = contextOf(rc);
    const operationName = rc.operationName ?? undefined;
    const known = context.authorization;
    if (known && known.state === state && known.document === rc.document && known.operationName === operationName) return known.outcome;
    const outcome = authorization.authorize(state, plannedDocument(state.schema, rc.document, rc.source), operationName, context.principal);
    context.authorization = { state, document: rc.document, operationName, outcome };
    return outcome;
  }

  /**
   * What this caller may not see of the operation, as a key: '' when nothing is restricted for them. Callers
   * with the same key get the same answer from the same data (the response cache keys on it).
   */
  async authorizationKey(apiSchema: GraphQLSchema, rc: RequestOf & { document?: DocumentNode; operationName?: string | null }): Promise<string> {
    const state = this.states.get(apiSchema);
    const outcome = state ? await this.authorizationFor(state, rc) : undefined;
    return outcome instanceof GraphQLError ? 'rejected' : (outcome?.removedKey ?? '');
  }

  /**
   * What this request's subgraph requests carry (headers, identity, claims, and the digest every cache and
   * dedup key derives from), described once per request: the response cache asks first, the executor reuses it.
   */
  private subgraphRequestsFor(state: SupergraphState, rc: RequestOf): Promise<SubgraphRequests | undefined> {
    const context = contextOf(rc);
    const known = context.subgraphRequests;
    if (known && known.state === state) return known.described;
    const described = this.describe(state.clients.keys(), rc.request.http?.headers, context.principal);
    context.subgraphRequests = { state, described };
    return described;
  }

  /**
   * What a response depends on besides the operation, its variables and the caller's authorization: every
   * subgraph request's digest (see SubgraphRequests). '' when the subgraphs are sent nothing extra.
   */
  async subgraphRequestsKey(apiSchema: GraphQLSchema, rc: RequestOf): Promise<string> {
    const state = this.states.get(apiSchema);
    if (!state) return '';
    return (await this.subgraphRequestsFor(state, rc))?.key ?? '';
  }

  /** While a canary release runs, where the request's subgraph fetches are recorded: the judge compares the changed subgraph's (canary/canaryPlugin.ts). */
  private fetchRecordsFor(rc: ExecutorContext): FetchRecord[] | undefined {
    return this.canary ? (contextOf(rc).subgraphFetches = []) : undefined;
  }

  private clientFor(name: string, url: string): SubgraphClient {
    const key = `${name}\u0000${url}`;
    let client = this.clients.get(key);
    if (!client) {
      client = new SubgraphClient(name, url, { ...this.options.subgraphs.all, ...this.options.subgraphs.byName[name], cacheTagHeader: this.options.cacheTagHeader, observer: this.options.metrics, failures: this.options.subgraphFailures });
      this.clients.set(key, client);
    }
    return client;
  }

  // Clients no supergraph routes to any more close once requests still running on the old state are done.
  private closeUnusedClients(): void {
    const inUse = new Set([...(this.state?.clients.values() ?? []), ...(this.canary?.state.clients.values() ?? [])]);
    for (const [key, client] of this.clients) {
      if (inUse.has(client)) continue;
      this.clients.delete(key);
      setTimeout(() => void client.close(), this.options.subgraphs.all.timeoutMs).unref();
    }
  }
}
