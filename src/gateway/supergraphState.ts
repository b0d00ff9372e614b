import { createHash } from 'node:crypto';
import { ROUTER_SUPPORTED_SUPERGRAPH_FEATURES, Supergraph, type Schema } from '@apollo/federation-internals';
import type { QueryPlannerConfig } from '@apollo/query-planner';
import type { GraphQLSchema } from 'graphql';
import { authorizationIndexOf, type AuthorizationIndex } from '../authz';
import type { PreparedOperation } from './execution';
import { EntityKeys } from '../cache';
import { LruMap } from '../store';
import { overrideLabelsOf, type OverrideLabels } from './progressiveOverride';
import { apolloPlanner, rustPlanner, type Planner, type PlannerKind } from './planners';
import type { SubgraphClient } from './subgraphClient';

/**
 * Everything derived from one supergraph SDL. A request keeps the state it started with, so a hot swap
 * never mixes an old validated document with a new plan.
 */
export interface SupergraphState {
  /** sha256 of the supergraph SDL: the version clients and replicas can compare. */
  readonly id: string;
  readonly supergraphSdl: string;
  /** The client-facing API schema (graphql-js). */
  readonly schema: GraphQLSchema;
  readonly apiSchema: Schema;
  readonly supergraphSchema: GraphQLSchema;
  /** The planner of this supergraph (`queryPlan.planner`), built with it, before it goes live. */
  readonly planner: Planner;
  readonly plans: LruMap<PreparedOperation>;
  readonly override: OverrideLabels;
  /** Authorization requirements of the supergraph; undefined when it has none (nothing to check per request). */
  readonly authorization: AuthorizationIndex | undefined;
  /** Entity key field sets per type and subgraph (entity cache, invalidation). */
  readonly entityKeys: EntityKeys;
  readonly subgraphs: ReadonlyArray<{ name: string; url: string }>;
  readonly clients: ReadonlyMap<string, SubgraphClient>;
}

/**
 * How every planner of Junction plans (the gateway's and the offline CLI's): with incremental delivery, so an
 * operation's `@defer` fragments become Defer nodes (Junction's executor runs them; see execution/deferred.ts).
 */
export const PLANNER_CONFIG: QueryPlannerConfig = { incrementalDelivery: { enableDefer: true } };

/** The client-facing graphql-js schema of an API schema: with the `@defer` directive clients may use. */
export function clientSchemaOf(apiSchema: Schema): GraphQLSchema {
  return apiSchema.toGraphQLJSSchema({ includeDefer: true });
}

export interface StateOptions {
  planCacheMaxEntries: number;
  /** Which planner plans (`queryPlan.planner`). */
  planner: PlannerKind;
  overrideLabels: Readonly<Record<string, boolean>>;
}

/** Builds (and validates) the state of a supergraph SDL; throws with the reason when the SDL is not a supergraph. */
export function buildSupergraphState(
  supergraphSdl: string,
  options: StateOptions,
  clientFor: (name: string, url: string) => SubgraphClient,
): SupergraphState {
  // Security features (@authenticated, @requiresScopes, @policy) are enforced by Junction itself (authz/).
  const supergraph = Supergraph.build(supergraphSdl, { validateSupergraph: true, supportedFeatures: ROUTER_SUPPORTED_SUPERGRAPH_FEATURES });
  const apiSchema = supergraph.apiSchema();
  const subgraphs = supergraph.subgraphsMetadata().map(({ name, url }) => ({ name, url }));
  const clients = new Map<string, SubgraphClient>();
  for (const { name, url } of subgraphs) {
    if (!url) throw new Error(`subgraph "${name}" has no routing URL in the supergraph`);
    clients.set(name, clientFor(name, url));
  }
  const supergraphSchema = supergraph.schema.toGraphQLJSSchema();
  const entityKeys = EntityKeys.of(supergraphSchema);
  return {
    id: createHash('sha256').update(supergraphSdl).digest('hex'),
    supergraphSdl,
    schema: clientSchemaOf(apiSchema),
    apiSchema,
    supergraphSchema,
    planner: plannerOf(options.planner, supergraphSdl, supergraph, apiSchema, supergraphSchema, entityKeys),
    plans: new LruMap(options.planCacheMaxEntries),
    override: overrideLabelsOf(supergraphSdl, options.overrideLabels),
    authorization: authorizationOf(supergraphSchema),
    entityKeys,
    subgraphs,
    clients,
  };
}

/** A supergraph's planner of the kind asked for (either plans in Apollo's JSON shape; see planners/). */
export function plannerOf(
  kind: PlannerKind,
  supergraphSdl: string,
  supergraph: Supergraph,
  apiSchema: Schema,
  supergraphSchema: GraphQLSchema,
  entityKeys: EntityKeys = EntityKeys.of(supergraphSchema),
): Planner {
  const apollo = () => apolloPlanner(supergraph, apiSchema, supergraphSchema, entityKeys, PLANNER_CONFIG);
  return kind === 'rust' ? rustPlanner(supergraphSdl, apollo, supergraphSchema) : apollo();
}

function authorizationOf(supergraphSchema: GraphQLSchema): AuthorizationIndex | undefined {
  const index = authorizationIndexOf(supergraphSchema);
  return index.fields.size > 0 || index.types.size > 0 ? index : undefined;
}

/** The client-facing schema of a supergraph SDL (without building a whole state: no planner, no clients). */
export function apiSchemaOf(supergraphSdl: string): GraphQLSchema {
  return clientSchemaOf(Supergraph.build(supergraphSdl, { supportedFeatures: ROUTER_SUPPORTED_SUPERGRAPH_FEATURES }).apiSchema());
}
