import type { PlanNode, QueryPlan, SubscriptionNode } from '@apollo/query-planner';
import { Kind, type DocumentNode, type FragmentDefinitionNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { compileDeferredShapers, type DeferredShapers } from './deferredShapers';
import { compileShaper, UnsupportedOperation, type FieldGuard, type Shaper } from './shaper';

/** A plan plus what the fast executor compiled for it; `fast` is absent when the plan needs stock's executor. */
export interface PreparedOperation {
  plan: QueryPlan;
  /** `defer`: the parts' shapers when the plan has Defer nodes (a client that takes parts gets them one by one). */
  fast?: { shaper: Shaper; variableDefaults: Readonly<Record<string, unknown>>; defer?: DeferredShapers | undefined };
  /**
   * For a caller authorization restricts, on @apollo/gateway's executor: the shaper that writes the response
   * from stock's output (every object carrying its __typename), so what the filter removed stays null.
   * Absent when no shaper can be compiled (introspection): stock then shapes from the filtered operation.
   */
  guarded?: Shaper;
}

/** Compiles the response shaper of a plan's operation for a restricted caller (see PreparedOperation.guarded). */
export function guardedShaper(document: DocumentNode, operationName: string | undefined, apiSchema: GraphQLSchema, guard: FieldGuard): Shaper | undefined {
  const operation = pickOperation(document, operationName);
  if (!operation) return undefined;
  try {
    return compileShaper(apiSchema, operation, fragmentsOf(document), guard);
  } catch (err) {
    if (err instanceof UnsupportedOperation) return undefined;
    throw err;
  }
}

function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  return fragments;
}

/**
 * Decides, once per cached plan, whether Junction's executor can run it. It covers the node kinds and
 * fetch features queries and mutations use; the rest (@defer, subscriptions, @fromContext rewrites,
 * introspection inside a federated operation) keeps @apollo/gateway's executor, so no behaviour is lost.
 */
export function prepareOperation(plan: QueryPlan, document: DocumentNode, operationName: string | undefined, apiSchema: GraphQLSchema, guard?: FieldGuard): PreparedOperation {
  if (plan.node && !supported(plan.node)) return guard ? { plan, guarded: guardedShaper(document, operationName, apiSchema, guard) } : { plan };
  const operation = pickOperation(document, operationName);
  if (!operation) return { plan };
  try {
    const defer = hasDefer(plan.node) ? compileDeferredShapers(apiSchema, document, operationName, guard) : undefined;
    return { plan, fast: { shaper: compileShaper(apiSchema, operation, fragmentsOf(document), guard), variableDefaults: defaultsOf(operation), defer } };
  } catch (err) {
    if (err instanceof UnsupportedOperation) return { plan };
    throw err;
  }
}

function supported(node: PlanNode | SubscriptionNode): boolean {
  switch (node.kind) {
    case 'Sequence':
    case 'Parallel':
      return node.nodes.every(supported);
    case 'Flatten':
      return supported(node.node);
    case 'Fetch':
      return !node.contextRewrites || node.contextRewrites.length === 0;
    case 'Condition':
      return (!node.ifClause || supported(node.ifClause)) && (!node.elseClause || supported(node.elseClause));
    case 'Defer':
      // Junction runs @defer itself (@apollo/gateway's executor has no Defer support): see executor.ts.
      return (!node.primary.node || supported(node.primary.node)) && node.deferred.every((d) => !d.node || supported(d.node));
    case 'BatchFetch' as PlanNode['kind']:
      // Hive's planner (planners/rustPlan.ts): only Junction's executor runs it.
      return true;
    case 'Subscription':
      // Junction runs subscriptions itself (gateway/subscriptions): the primary fetch over graphql-ws, the rest per event.
      return supported(node.primary) && (!node.rest || supported(node.rest));
    default:
      return false;
  }
}

/** Plans only Junction's executor can run: subscriptions, and @defer (Defer nodes). */
export function onlyJunctionRuns(plan: QueryPlan): boolean {
  return plan.node?.kind === 'Subscription' || hasDefer(plan.node);
}

function hasDefer(node: PlanNode | SubscriptionNode | undefined): boolean {
  if (!node) return false;
  switch (node.kind) {
    case 'Defer':
      return true;
    case 'Condition':
      return hasDefer(node.ifClause) || hasDefer(node.elseClause);
    case 'Sequence':
    case 'Parallel':
      return node.nodes.some(hasDefer);
    default:
      return false;
  }
}

function pickOperation(document: DocumentNode, name: string | undefined): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  return name ? operations.find((o) => o.name?.value === name) : operations.length === 1 ? operations[0] : undefined;
}

function defaultsOf(operation: OperationDefinitionNode): Record<string, unknown> {
  const defaults: Record<string, unknown> = Object.create(null);
  for (const def of operation.variableDefinitions ?? []) {
    if (def.defaultValue?.kind === Kind.BOOLEAN) defaults[def.variable.name.value] = def.defaultValue.value;
  }
  return defaults;
}
