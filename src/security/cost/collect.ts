import {
  Kind,
  isAbstractType,
  isCompositeType,
  type FieldNode,
  type GraphQLCompositeType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import { isIncluded, type OperationContext } from './operation';

/** The field nodes execution merges under one response key, and the type they were selected on. */
export interface FieldGroup {
  readonly responseKey: string;
  readonly name: string;
  readonly nodes: FieldNode[];
  /** The enclosing type condition of the first node (the type validation looked the field up on). */
  readonly scope: GraphQLCompositeType;
}

/**
 * CollectFields (GraphQL spec, Executing Selection Sets) over one or more selection sets, for
 * runtime type `runtime`: fragments whose type condition does not apply to it are left out, and a
 * named fragment is expanded once per collection, so spreading a fragment twice costs nothing more
 * (and cannot blow up exponentially). With `runtime` undefined (a response object whose type is not
 * known) every fragment applies. Iterative: fragments may nest arbitrarily deep.
 */
export function collectFields(
  schema: GraphQLSchema,
  ctx: OperationContext,
  sets: readonly SelectionSetNode[],
  parent: GraphQLCompositeType,
  runtime: GraphQLObjectType | undefined,
): Map<string, FieldGroup> {
  const groups = new Map<string, FieldGroup>();
  const visited = new Set<string>();
  const stack: { selection: SelectionNode; scope: GraphQLCompositeType }[] = [];
  const pushAll = (set: SelectionSetNode, scope: GraphQLCompositeType): void => {
    // Reversed so selections pop in document order (groups then list nodes in document order).
    for (let i = set.selections.length - 1; i >= 0; i--) stack.push({ selection: set.selections[i]!, scope });
  };
  for (let i = sets.length - 1; i >= 0; i--) pushAll(sets[i]!, parent);
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { selection, scope } = item;
    if (!isIncluded(selection.directives, ctx.variables)) continue;
    if (selection.kind === Kind.FIELD) {
      const responseKey = selection.alias?.value ?? selection.name.value;
      const group = groups.get(responseKey);
      if (group) group.nodes.push(selection);
      else groups.set(responseKey, { responseKey, name: selection.name.value, nodes: [selection], scope });
      continue;
    }
    let condition: string | undefined;
    let body: SelectionSetNode;
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      condition = selection.typeCondition?.name.value;
      body = selection.selectionSet;
    } else {
      const name = selection.name.value;
      const fragment = ctx.fragments.get(name);
      if (visited.has(name) || fragment === undefined) continue;
      condition = fragment.typeCondition.name.value;
      // Marked only once it applies: for a fixed runtime type, applicability does not depend on where it is spread.
      if (!applies(schema, condition, runtime)) continue;
      visited.add(name);
      body = fragment.selectionSet;
    }
    if (!applies(schema, condition, runtime)) continue;
    const conditionType = condition === undefined ? undefined : schema.getType(condition);
    pushAll(body, conditionType !== undefined && isCompositeType(conditionType) ? conditionType : scope);
  }
  return groups;
}

function applies(schema: GraphQLSchema, condition: string | undefined, runtime: GraphQLObjectType | undefined): boolean {
  if (condition === undefined || runtime === undefined || condition === runtime.name) return true;
  const type = schema.getType(condition);
  return type !== undefined && isAbstractType(type) && schema.isSubType(type, runtime);
}
