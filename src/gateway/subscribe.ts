import { getVariableValues, GraphQLError, validate, type DocumentNode } from 'graphql';
import type { Principal } from '../auth';
import { principalKey, type EntityCache } from '../cache';
import { junctionError } from '../errors';
import { STREAMING_TRANSPORTS, type OperationStream } from '../pipeline/operationStream';
import type { GatewayContext } from './gatewayContext';
import type { OperationAuthorization } from './operationAuthorization';
import { subgraphsOfPlan, type Plans } from './plans';
import type { ExecutionResult, ExecutorContext } from './stockExecution';
import type { SubgraphRequestDescriber } from './subgraphRequests';
import { derivedSubscriptionUrl, groupPlanOf, Upstreams, type GroupPlan, type SubscriptionHub } from './subscriptions';
import type { SupergraphState } from './supergraphState';

/** The gateway's subscription settings besides the hub's own. */
export interface SubscriptionSettings {
  /** Per subgraph name: its graphql-ws URL when set (`subgraphs.<name>.subscriptions.url`). */
  urls: Readonly<Record<string, string | undefined>>;
  /** The upstream pool, made once the identity header is known. */
  upstreams: (identityHeader: string) => Upstreams;
}

export interface SubscribeDeps {
  hub: SubscriptionHub;
  settings: SubscriptionSettings;
  plans: Plans;
  authorization: OperationAuthorization | undefined;
  describe: SubgraphRequestDescriber;
  /** The active state, when it has this id. */
  stateById: (id: string) => SupergraphState | undefined;
  /** The percentage deciding percent(N) override labels for a client (undefined: a random one per plan). */
  overridePercentage: (state: SupergraphState, clientKey: string | undefined) => number | undefined;
  entities: EntityCache | undefined;
  requestTimeoutMs: number | undefined;
}

/** Identity for group keys: one number per prepared plan object (the plan cache hands the same one back). */
const preparedIds = new WeakMap<object, number>();
let nextPreparedId = 0;

/** What a subscription needs to be planned again, on any supergraph. */
interface Subject {
  document: DocumentNode;
  queryHash: string;
  operationName: string | undefined;
  rawVariables: Record<string, unknown>;
  principal: Principal | undefined;
  clientKey: string | undefined;
  headers: ExecutorContext['request']['http'] extends infer H ? (H extends { headers: infer X } ? X : undefined) : undefined;
}

/**
 * A subscription reaching the gateway: refused unless its transport can stream; else accepted — variables coerced, authorization, the plan — on the state the request started on —
 * then the hub admits it (per-client bounds) into the group of identical subscriptions. Returns the stream, or
 * the result that refuses it.
 */
export async function subscribeOperation(deps: SubscribeDeps | undefined, state: SupergraphState, rc: ExecutorContext, context: GatewayContext): Promise<ExecutionResult> {
  const streamed = context.streamed;
  if (!deps || !streamed || !context.transport || !STREAMING_TRANSPORTS.has(context.transport)) {
    const why = deps ? 'Subscriptions need a streaming transport: a WebSocket (graphql-transport-ws), SSE (Accept: text/event-stream) or multipart (Accept: multipart/mixed;subscriptionSpec="1.0").' : 'Subscriptions are off (subscriptions.enabled: false).';
    return { errors: [junctionError('OPERATION_NOT_SUPPORTED', why)] };
  }
  deps.plans.served(rc.queryHash, rc.source, rc.operationName ?? undefined);
  const outcome = await admit(deps, state, rc, context);
  if ('result' in outcome) return outcome.result;
  streamed.stream = outcome.stream;
  // Accepted: the transport delivers the stream; this empty answer only passes the engine's plugins.
  return {};
}

async function admit(deps: SubscribeDeps, state: SupergraphState, rc: ExecutorContext, context: GatewayContext): Promise<{ stream: OperationStream } | { result: ExecutionResult }> {
  const subject: Subject = {
    document: rc.document,
    queryHash: rc.queryHash,
    operationName: rc.operationName ?? undefined,
    rawVariables: rc.request.variables ?? {},
    principal: context.principal,
    clientKey: context.clientKey,
    headers: rc.request.http?.headers,
  };
  const planned = await planSubscription(deps, state, subject, true);
  if (planned instanceof GraphQLError) return { result: { errors: [planned] } };
  if ('result' in planned) return planned;
  context.plannedSubgraphs = planned.subgraphs;
  const principal = context.principal;
  const exp = principal?.claims.exp;
  const admitted = deps.hub.subscribe({
    groupKey: planned.groupKey,
    plan: planned.plan,
    replan: async (stateId) => {
      const next = deps.stateById(stateId);
      if (!next) return junctionError('SUBSCRIPTION_SCHEMA_RELOAD', 'The supergraph changed again.');
      const again = await planSubscription(deps, next, subject, false);
      if (again instanceof GraphQLError) return junctionError('SUBSCRIPTION_SCHEMA_RELOAD', again.message);
      if ('result' in again) return junctionError('SUBSCRIPTION_SCHEMA_RELOAD', again.result.errors?.[0]?.message ?? 'Every field of the subscription is now removed by authorization.');
      return again.plan;
    },
    clientKey: context.clientKey ?? principalKey(principal) ?? `ip:${context.remoteAddress ?? ''}`,
    transport: context.transport ?? 'websocket',
    expiresAt: typeof exp === 'number' ? exp : undefined,
    log: { requestId: context.requestFacts?.requestId, operationName: subject.operationName, clientName: subject.headers?.get('apollographql-client-name') ?? undefined },
    document: rc.document,
  });
  if (admitted instanceof GraphQLError) return { result: { errors: [admitted] } };
  return { stream: admitted };
}

type Planned = { plan: GroupPlan; groupKey: string; subgraphs: readonly string[] } | { result: ExecutionResult };

/** Validates, coerces, authorizes and plans a subscription on one supergraph state. */
async function planSubscription(deps: SubscribeDeps, state: SupergraphState, subject: Subject, validated: boolean): Promise<Planned | GraphQLError> {
  const { document, operationName, principal } = subject;
  // On the state the request started on, Apollo Server validated it already; on a new supergraph it is checked again.
  if (!validated) {
    const invalid = validate(state.schema, document);
    if (invalid.length > 0) return junctionError('GRAPHQL_VALIDATION_FAILED', invalid[0]?.message ?? 'The subscription does not validate.');
  }
  const operation = document.definitions.find((d) => d.kind === 'OperationDefinition' && (operationName === undefined || d.name?.value === operationName));
  const definitions = operation && operation.kind === 'OperationDefinition' ? operation.variableDefinitions : undefined;
  // Checked as for a query (the raw values are what the fetches send, as there).
  const variables = subject.rawVariables;
  if (definitions && definitions.length > 0) {
    const coerced = getVariableValues(state.schema, definitions, variables, { maxErrors: 10 });
    if (coerced.errors) return { result: { errors: coerced.errors.map((e) => junctionError('BAD_USER_INPUT', e.message)) } };
  }
  const authorized = deps.authorization && state.authorization ? await deps.authorization.authorize(state, document, operationName, principal) : undefined;
  if (authorized instanceof GraphQLError) return { result: { errors: [authorized] } };
  const pending = deps.plans.prepare(state, document, subject.queryHash, operationName, authorized, deps.overridePercentage(state, subject.clientKey));
  const prepared = pending instanceof Promise ? await pending : pending;
  if (prepared instanceof GraphQLError) return prepared;
  const denied = authorized?.errors ?? [];
  // Everything the caller asked for is removed: nothing to subscribe to; the one answer says why.
  if (authorized?.empty && prepared.fast) return { result: { errors: [...denied], data: prepared.fast.shaper({}, variables).data } };
  const described = await deps.describe(state.clients.keys(), subject.headers, principal);
  const plan = groupPlanOf({
    state,
    prepared,
    variables,
    described,
    describe: () => deps.describe(state.clients.keys(), subject.headers, principal),
    denied,
    entities: deps.entities ? { cache: deps.entities, principal: principalKey(principal) } : undefined,
    requestTimeoutMs: deps.requestTimeoutMs,
    subscriptionUrl: (subgraph, routingUrl) => deps.settings.urls[subgraph] ?? derivedSubscriptionUrl(routingUrl),
  });
  if (plan instanceof GraphQLError) return plan;
  let id = preparedIds.get(prepared);
  if (id === undefined) preparedIds.set(prepared, (id = nextPreparedId++));
  const groupKey = JSON.stringify([state.id, id, variables, described?.key ?? '', principalKey(principal) ?? '']);
  return { plan, groupKey, subgraphs: subgraphsOfPlan(prepared.plan) };
}
