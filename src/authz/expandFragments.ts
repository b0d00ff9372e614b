import {
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';

/**
 * The operation `operationName` of `document` with every fragment spread replaced by an inline fragment
 * carrying the spread's directives and the fragment's type condition, so each use site can be filtered on
 * its own. Each fragment is expanded once and the result shared between its spreads: the work is linear in
 * the document's text, and the later walk is linear in the expanded size, which the request limits
 * (`selections`) cap before authorization runs. Undefined when the operation does not exist.
 * Recursion follows the document's nesting, which validation and the depth limit bound.
 */
export function expandedOperation(
  document: DocumentNode,
  operationName: string | undefined,
): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation =
    operationName === undefined
      ? operations.length === 1
        ? operations[0]
        : undefined
      : operations.find((o) => o.name?.value === operationName);
  if (operation === undefined) return undefined;
  const fragments = new Map(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((f) => [f.name.value, f]),
  );
  const expanded = new Map<string, SelectionSetNode>();
  // A fragment being expanded; a cycle (which validation rejects) expands to nothing rather than looping.
  const inProgress = new Set<string>();

  const expandSet = (set: SelectionSetNode): SelectionSetNode => {
    let changed = false;
    const selections = set.selections.map((selection) => {
      const next = expandSelection(selection);
      if (next !== selection) changed = true;
      return next;
    });
    return changed ? { ...set, selections } : set;
  };

  const expandSelection = (selection: SelectionNode): SelectionNode => {
    if (selection.kind === Kind.FRAGMENT_SPREAD) {
      const name = selection.name.value;
      const fragment = fragments.get(name);
      const body = fragment === undefined || inProgress.has(name) ? undefined : fragmentBody(name, fragment);
      return {
        kind: Kind.INLINE_FRAGMENT,
        ...(fragment !== undefined ? { typeCondition: fragment.typeCondition } : {}),
        directives: selection.directives ?? [],
        selectionSet: body ?? { kind: Kind.SELECTION_SET, selections: [] },
      };
    }
    if (selection.selectionSet === undefined) return selection;
    const selectionSet = expandSet(selection.selectionSet);
    return selectionSet === selection.selectionSet ? selection : { ...selection, selectionSet };
  };

  const fragmentBody = (name: string, fragment: FragmentDefinitionNode): SelectionSetNode => {
    const done = expanded.get(name);
    if (done !== undefined) return done;
    inProgress.add(name);
    const body = expandSet(fragment.selectionSet);
    inProgress.delete(name);
    expanded.set(name, body);
    return body;
  };

  const selectionSet = expandSet(operation.selectionSet);
  return selectionSet === operation.selectionSet ? operation : { ...operation, selectionSet };
}
