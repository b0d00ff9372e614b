import type { QueryPlan } from '@apollo/query-planner';
import type { DocumentNode, GraphQLError, GraphQLSchema } from 'graphql';
import type { OverrideRoll } from '../progressiveOverride';

/** Which planner plans (`queryPlan.planner`). */
export type PlannerKind = 'apollo' | 'rust';

/**
 * A query planner of one supergraph, built once per supergraph (before it goes live). Both planners answer
 * plans in Apollo's JSON shape (the Hive plan is translated, see rustPlan.ts), plus `BatchFetch` nodes, which
 * Junction's executor runs; so caches, dedup, retries, breaker, identity and authorization apply alike.
 */
export interface Planner {
  readonly kind: PlannerKind;
  /** Plans one operation of a (validated, possibly authorization-filtered) document. Throws when it cannot. */
  plan(document: DocumentNode, operationName: string | undefined, override: OverrideRoll): QueryPlan;
  /**
   * Operations this planner is known to answer wrongly: refused with a coded error before planning, never
   * wrong data (see requiresConflicts.ts for Apollo's).
   */
  refuses(document: DocumentNode, apiSchema: GraphQLSchema): GraphQLError | undefined;
}
