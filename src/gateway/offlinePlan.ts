import { ROUTER_SUPPORTED_SUPERGRAPH_FEATURES, Supergraph, type Schema } from '@apollo/federation-internals';
import type { QueryPlan } from '@apollo/query-planner';
import { getOperationAST, GraphQLError, parse, validate, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import type { ErrorCode } from '../errors';
import { prettyFormatQueryPlan } from './planExposure';
import type { Planner, PlannerKind } from './planners';
import { overrideLabelsOf, type OverrideRoll } from './progressiveOverride';
import { clientSchemaOf, plannerOf } from './supergraphState';

/**
 * A supergraph prepared once for checking operations offline (`junction plan`, `junction manifest check`):
 * building the supergraph, its API schema and its planner costs far more than planning one operation.
 */
export interface OfflineSupergraph {
  readonly supergraphSdl: string;
  /** The client-facing API schema, as the planner and as graphql-js see it. */
  readonly apiSchema: Schema;
  readonly schema: GraphQLSchema;
  /** The composed supergraph, with its @cost/@listSize and join directives. */
  readonly supergraphSchema: GraphQLSchema;
  readonly planner: Planner;
  readonly override: OverrideRoll;
}

/** Builds (and validates) the supergraph; throws with the reason when the SDL is not a supergraph. */
export function offlineSupergraph(supergraphSdl: string, overrideLabels: Readonly<Record<string, boolean>> = {}, planner: PlannerKind = 'apollo'): OfflineSupergraph {
  const supergraph = Supergraph.build(supergraphSdl, { validateSupergraph: true, supportedFeatures: ROUTER_SUPPORTED_SUPERGRAPH_FEATURES });
  const apiSchema = supergraph.apiSchema();
  const supergraphSchema = supergraph.schema.toGraphQLJSSchema();
  // Offline there is no request to roll percentages for: percent(N) labels count as active only at 100.
  const override = overrideLabelsOf(supergraphSdl, overrideLabels).roll(99.999);
  return {
    supergraphSdl,
    apiSchema,
    schema: clientSchemaOf(apiSchema),
    supergraphSchema,
    planner: plannerOf(planner, supergraphSdl, supergraph, apiSchema, supergraphSchema),
    override,
  };
}

/** Why an operation has no plan, with the code the gateway would answer it with. */
export interface OfflineFailure {
  ok: false;
  code: ErrorCode;
  errors: string[];
}

export type ResolvedOperation = { ok: true; document: DocumentNode; operation: OperationDefinitionNode } | OfflineFailure;

export type OfflinePlan = { ok: true; plan: QueryPlan; text: string } | OfflineFailure;

/** Parses and validates an operation against the API schema, then picks the one to run, as the gateway does. */
export function resolveOperation(supergraph: OfflineSupergraph, operationText: string, operationName: string | undefined): ResolvedOperation {
  let document: DocumentNode;
  try {
    document = parse(operationText);
  } catch (err) {
    return { ok: false, code: 'GRAPHQL_PARSE_FAILED', errors: [err instanceof GraphQLError ? err.message : String(err)] };
  }
  const errors = validate(supergraph.schema, document);
  if (errors.length > 0) return { ok: false, code: 'GRAPHQL_VALIDATION_FAILED', errors: errors.map((e) => e.message) };
  const operation = getOperationAST(document, operationName);
  if (!operation) {
    const message = operationName === undefined ? 'Must provide operation name if query contains multiple operations.' : `Unknown operation named "${operationName}".`;
    return { ok: false, code: 'OPERATION_RESOLUTION_FAILURE', errors: [message] };
  }
  return { ok: true, document, operation };
}

/**
 * Plans a resolved operation without running anything (what `junction plan` prints for client teams' CI),
 * refused where the gateway refuses to plan it (see requiresConflicts.ts).
 */
export function planOperation(supergraph: OfflineSupergraph, document: DocumentNode, operationName: string | undefined): OfflinePlan {
  const conflict = supergraph.planner.refuses(document, supergraph.schema);
  if (conflict) return { ok: false, code: 'QUERY_PLANNING_FAILED', errors: [conflict.message] };
  try {
    const plan = supergraph.planner.plan(document, operationName, supergraph.override);
    return { ok: true, plan, text: prettyFormatQueryPlan(plan) };
  } catch (err) {
    return { ok: false, code: 'QUERY_PLANNING_FAILED', errors: [err instanceof Error ? err.message : String(err)] };
  }
}
