import { operationFromDocument, type Schema, type Supergraph } from '@apollo/federation-internals';
import { QueryPlanner, type QueryPlannerConfig } from '@apollo/query-planner';
import type { GraphQLSchema } from 'graphql';
import type { EntityKeys } from '../../cache';
import { requiresConflictsOf } from '../requiresConflicts';
import { unresolvableFetchesOf } from '../unresolvableFetches';
import type { Planner } from './planner';

/** @apollo/query-planner (what @apollo/gateway and Apollo Router's JS heritage use). */
export function apolloPlanner(supergraph: Supergraph, apiSchema: Schema, supergraphSchema: GraphQLSchema, entityKeys: EntityKeys, config: QueryPlannerConfig): Planner {
  const planner = new QueryPlanner(supergraph, config);
  const conflicts = requiresConflictsOf(supergraphSchema);
  const unresolvable = unresolvableFetchesOf(entityKeys);
  return {
    kind: 'apollo',
    plan: (document, operationName, override) => {
      const plan = planner.buildQueryPlan(operationFromDocument(apiSchema, document, { operationName }), override.conditions ? { overrideConditions: override.conditions } : {});
      // A plan entering a subgraph through a key it cannot resolve is not run (thrown: QUERY_PLANNING_FAILED).
      const refused = unresolvable.check(plan);
      if (refused) throw refused;
      return plan;
    },
    refuses: (document, schema) => conflicts.check(document, schema),
  };
}
