import type { PlanNode, QueryPlan, QueryPlanSelectionNode, SubscriptionNode } from '@apollo/query-planner';
import { Kind, parse, type ConstDirectiveNode, type GraphQLError, type GraphQLSchema, type SelectionSetNode } from 'graphql';
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

/** A field set as a tree: field name → its sub-selection (null for a leaf). */
type Fields = ReadonlyMap<string, Fields | null>;

/** Reads the resolvable keys of every `@join__type(graph:, key:)` of the supergraph, per type and subgraph. */
export function unresolvableFetchesOf(supergraphSchema: GraphQLSchema): UnresolvableFetches {
  const graphs = new Map<string, string>();
  const graphEnum = supergraphSchema.getType('join__Graph');
  for (const value of graphEnum?.astNode?.kind === Kind.ENUM_TYPE_DEFINITION ? (graphEnum.astNode.values ?? []) : []) {
    const name = stringArgument(value.directives?.find((d) => d.name.value === 'join__graph'), 'name');
    if (name) graphs.set(value.name.value, name);
  }
  // "type\0subgraph" → the keys that subgraph resolves (an empty list: it declares keys but resolves none)
  const resolvable = new Map<string, Fields[]>();
  for (const type of Object.values(supergraphSchema.getTypeMap())) {
    const nodes = [type.astNode, ...(('extensionASTNodes' in type ? type.extensionASTNodes : undefined) ?? [])];
    for (const node of nodes) {
      for (const directive of (node as { directives?: readonly ConstDirectiveNode[] } | null | undefined)?.directives ?? []) {
        if (directive.name.value !== 'join__type') continue;
        const key = stringArgument(directive, 'key');
        const graph = directive.arguments?.find((a) => a.name.value === 'graph')?.value;
        const subgraph = graph?.kind === Kind.ENUM ? graphs.get(graph.value) : undefined;
        if (!key || !subgraph) continue;
        const id = `${type.name}\u0000${subgraph}`;
        const keys = resolvable.get(id) ?? [];
        resolvable.set(id, keys);
        const flag = directive.arguments?.find((a) => a.name.value === 'resolvable')?.value;
        if (flag?.kind === Kind.BOOLEAN && !flag.value) continue;
        keys.push(fieldsOf((parse(`{${key}}`, { noLocation: true }).definitions[0] as { selectionSet: SelectionSetNode }).selectionSet));
      }
    }
  }
  return {
    check(plan) {
      for (const fetch of entityFetches(plan.node)) {
        for (const selection of fetch.requires) {
          if (selection.kind !== 'InlineFragment' || !selection.typeCondition) continue;
          const keys = resolvable.get(`${selection.typeCondition}\u0000${fetch.serviceName}`);
          // A type this subgraph declares no key for is not ours to judge.
          if (!keys) continue;
          const sent = requiredFields(selection.selections);
          if (!keys.some((key) => covers(sent, key))) {
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

function requiredFields(selections: readonly QueryPlanSelectionNode[]): Fields {
  const fields = new Map<string, Fields | null>();
  for (const s of selections) {
    if (s.kind === 'Field') fields.set(s.name, s.selections ? requiredFields(s.selections) : null);
  }
  return fields;
}

function covers(sent: Fields, key: Fields): boolean {
  for (const [name, sub] of key) {
    if (!sent.has(name)) return false;
    const had = sent.get(name);
    if (sub && (!had || !covers(had, sub))) return false;
  }
  return true;
}

function fieldsOf(set: SelectionSetNode): Fields {
  const fields = new Map<string, Fields | null>();
  for (const s of set.selections) if (s.kind === Kind.FIELD) fields.set(s.name.value, s.selectionSet ? fieldsOf(s.selectionSet) : null);
  return fields;
}

function stringArgument(directive: ConstDirectiveNode | undefined, name: string): string | undefined {
  const value = directive?.arguments?.find((a) => a.name.value === name)?.value;
  return value?.kind === Kind.STRING ? value.value : undefined;
}
