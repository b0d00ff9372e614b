import type { PlanNode, QueryPlan, SubscriptionNode } from '@apollo/query-planner';
import { Kind, type DocumentNode, type FragmentDefinitionNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { compileShaper, UnsupportedOperation, type FieldGuard, type Shaper } from './shaper';

/** A plan plus what the fast executor compiled for it; `fast` is absent when the plan needs stock's executor. */
export interface PreparedOperation {
  plan: QueryPlan;
  fast?: { shaper: Shaper; variableDefaults: Readonly<Record<string, unknown>> };
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
    return { plan, fast: { shaper: compileShaper(apiSchema, operation, fragmentsOf(document), guard), variableDefaults: defaultsOf(operation) } };
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
    case 'Subscription':
      // Junction runs subscriptions itself (gateway/subscriptions): the primary fetch over graphql-ws, the rest per event.
      return supported(node.primary) && (!node.rest || supported(node.rest));
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
