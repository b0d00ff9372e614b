import type { PlanNode, QueryPlan, QueryPlanSelectionNode, SubscriptionNode } from '@apollo/query-planner';
import type { GraphQLError } from 'graphql';
import type { EntityKeys, KeyFields } from '../cache';
import { junctionError } from '../errors';

/**
 * Guards against a @apollo/query-planner defect with several keys: it can plan an entity fetch into a subgraph
 * through a key that subgraph declares `resolvable: false` (a reference it cannot resolve), so the
 * representation lacks the fields of the key the subgraph does resolve. The subgraph then fails or, worse,
 * resolves the wrong entity. A plan where some entity fetch carries none of the target subgraph's resolvable
 * keys in full is refused instead of run.
 */
export interface UnresolvableFetches {
  /** undefined when every entity fetch of the plan enters its subgraph through a key it resolves. */
  check(plan: QueryPlan): GraphQLError | undefined;
}

/** Checks plans against the keys each subgraph resolves (EntityKeys: the supergraph's `@join__type` keys). */
export function unresolvableFetchesOf(keys: EntityKeys): UnresolvableFetches {
  return {
    check(plan) {
      for (const fetch of entityFetches(plan.node)) {
        for (const selection of fetch.requires) {
          if (selection.kind !== 'InlineFragment' || !selection.typeCondition) continue;
          const resolvable = keys.resolvableKeys(selection.typeCondition, fetch.serviceName);
          // A type this subgraph declares no key for is not ours to judge.
          if (!resolvable) continue;
          const sent = requiredFields(selection.selections);
          if (!resolvable.some((key) => covers(sent, key))) {
            return junctionError(
              'QUERY_PLANNING_FAILED',
              `The apollo query planner cannot plan this operation: its plan fetches "${selection.typeCondition}" from subgraph "${fetch.serviceName}" without a key that subgraph resolves. queryPlan.planner: rust plans it.`,
            );
          }
        }
      }
      return undefined;
    },
  };
}

function* entityFetches(node: PlanNode | SubscriptionNode | undefined): Generator<{ serviceName: string; requires: QueryPlanSelectionNode[] }> {
  if (!node) return;
  switch (node.kind) {
    case 'Fetch':
      if (node.requires?.length) yield { serviceName: node.serviceName, requires: node.requires };
      return;
    case 'Sequence':
    case 'Parallel':
      for (const child of node.nodes) yield* entityFetches(child);
      return;
    case 'Flatten':
      yield* entityFetches(node.node);
      return;
    case 'Condition':
      yield* entityFetches(node.ifClause);
      yield* entityFetches(node.elseClause);
      return;
    case 'Defer':
      yield* entityFetches(node.primary.node);
      for (const deferred of node.deferred) yield* entityFetches(deferred.node);
      return;
    case 'Subscription':
      // Its primary is a root fetch; the rest of its plan is checked like any other.
      yield* entityFetches(node.rest);
  }
}

function requiredFields(selections: readonly QueryPlanSelectionNode[]): KeyFields {
  const fields = new Map<string, KeyFields | null>();
  for (const s of selections) {
    if (s.kind === 'Field') fields.set(s.name, s.selections ? requiredFields(s.selections) : null);
  }
  return fields;
}

function covers(sent: KeyFields, key: KeyFields): boolean {
  for (const [name, sub] of key) {
    if (!sent.has(name)) return false;
    const had = sent.get(name);
    if (sub && (!had || !covers(had, sub))) return false;
  }
  return true;
}
