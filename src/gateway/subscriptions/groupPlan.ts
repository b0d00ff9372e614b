import type { FetchNode, PlanNode } from '@apollo/query-planner';
import { GraphQLError } from 'graphql';
import type { EntityCache } from '../../cache';
import { junctionError } from '../../errors';
import { tracer } from '../../observability/tracing';
import { executeSubscriptionEvent, type PreparedOperation } from '../execution';
import type { SubgraphRequests } from '../subgraphRequests';
import type { SupergraphState } from '../supergraphState';
import type { GroupPlan } from './subscriptionHub';
import type { UpstreamEvent } from './upstreams';

export interface GroupPlanInput {
  state: SupergraphState;
  prepared: PreparedOperation;
  variables: Record<string, unknown>;
  /** What the subgraph requests carry, as described when the subscription started (upstream headers, vary). */
  described: SubgraphRequests | undefined;
  /** Described again for each event: identity tokens have a ttl, and an event may come hours later. */
  describe: () => Promise<SubgraphRequests | undefined>;
  /** Errors of fields authorization removed: in every event, as in every query answer. */
  denied: readonly GraphQLError[];
  entities: { cache: EntityCache; principal: string | undefined } | undefined;
  requestTimeoutMs: number | undefined;
  /** The graphql-ws URL of a subgraph (its `subscriptions.url`, else derived from the routing URL). */
  subscriptionUrl: (subgraph: string, routingUrl: string) => string;
}

/**
 * A subscription's plan as the hub runs it: the primary fetch becomes an upstream subscription, and each event
 * runs the rest of the plan through Junction's executor and the compiled shaper (with the authorization
 * guard), as a query's answer would be.
 */
export function groupPlanOf(input: GroupPlanInput): GroupPlan | GraphQLError {
  const { state, prepared, variables } = input;
  const node = prepared.plan.node;
  const fast = prepared.fast;
  if (!node || node.kind !== 'Subscription' || !fast) return junctionError('QUERY_PLANNING_FAILED', 'This subscription cannot be planned as one subgraph subscription.');
  const primary: FetchNode = node.primary;
  const rest: PlanNode | undefined = node.rest;
  const routing = state.subgraphs.find((s) => s.name === primary.serviceName);
  if (!routing) return junctionError('QUERY_PLANNING_FAILED', `No subgraph "${primary.serviceName}" in the supergraph.`);
  const primaryVariables: Record<string, unknown> = {};
  for (const name of primary.variableUsages ?? []) if (Object.prototype.hasOwnProperty.call(variables, name)) primaryVariables[name] = variables[name];
  const described = input.described;
  return {
    stateId: state.id,
    primary,
    rest,
    upstream: {
      subgraph: primary.serviceName,
      url: input.subscriptionUrl(primary.serviceName, routing.url),
      operation: primary.operation,
      variables: primaryVariables,
      headers: described?.headers.get(primary.serviceName),
      vary: described?.vary.get(primary.serviceName) ?? '',
      claims: described?.claims,
    },
    async execute(event: UpstreamEvent) {
      const span = tracer.enabled ? tracer.startSpan('graphql.subscription.event') : undefined;
      try {
        const { data, errors } = await executeSubscriptionEvent(
          {
            plan: prepared.plan,
            variables,
            variableDefaults: fast.variableDefaults,
            clients: state.clients,
            supergraphSchema: state.supergraphSchema,
            identity: rest ? await input.describe() : described,
            ...(input.requestTimeoutMs ? { deadline: Date.now() + input.requestTimeoutMs } : {}),
            trace: span,
            cache: { policy: undefined, responseTags: undefined, entities: input.entities ? { ...input.entities, keys: state.entityKeys, supergraph: state.id } : undefined },
          },
          primary,
          rest,
          event,
        );
        const shaped = fast.shaper(data, variables);
        span?.setAttribute('graphql.errors', errors.length + input.denied.length);
        if (input.denied.length > 0 || errors.length > 0) return { errors: [...input.denied, ...errors], data: shaped.data };
        return shaped.errors.length > 0 ? { extensions: { valueCompletion: shaped.errors }, data: shaped.data } : { data: shaped.data };
      } catch (err) {
        span?.recordError(err);
        return { errors: [err instanceof GraphQLError ? err : new GraphQLError(err instanceof Error ? err.message : String(err))], data: null };
      } finally {
        span?.end();
      }
    },
  };
}

/** A subgraph's graphql-ws URL derived from its routing URL: http→ws, https→wss. */
export function derivedSubscriptionUrl(routingUrl: string): string {
  return routingUrl.replace(/^http(s?):\/\//i, (_m, s: string) => `ws${s}://`);
}
