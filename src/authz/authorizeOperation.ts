import {
  Kind,
  visit,
  type DocumentNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { AuthorizationIndex } from './authorizationIndex';
import { expandedOperation } from './expandFragments';
import { fieldAllowed, filterSelectionSet, type FilterContext } from './filterSelections';
import type { Caller } from './requirement';

export interface UnauthorizedPath {
  /** Response keys (aliases where given) from the root to the removed field, through fragments, no list indices. */
  path: readonly string[];
}

export interface AuthorizationResult {
  /** The operation with every unauthorized selection removed (same object as the input when nothing was removed). */
  document: DocumentNode;
  unauthorized: UnauthorizedPath[];
  /** True when nothing is left to execute in the operation (every root field removed). */
  empty: boolean;
  /**
   * The same decision the filter made, for one field of one parent type: what shapes the response asks it of
   * every field it writes, so a value fetched for another reason (an entity key, a @provides selection, a
   * cached entity) is never written where the filter removed the field.
   */
  allows(parent: GraphQLCompositeType, fieldName: string): boolean;
}

const ALLOW_ALL = (): boolean => true;

/**
 * Filters the (validated) operation `operationName` of `document` against the client-facing API schema,
 * before planning, the way Apollo Router does: subgraphs are never asked for what the caller may not see,
 * and the rest of the operation still runs. When something is removed, the returned document holds only
 * that operation, fragments inlined and variables no longer used dropped, so it validates on its own. When
 * `empty`, its selection set is empty: it must not be planned (answer with the errors alone).
 */
export function authorizeOperation(
  index: AuthorizationIndex,
  apiSchema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
  caller: Caller,
): AuthorizationResult {
  const operation = expandedOperation(document, operationName);
  const root = operation === undefined ? undefined : apiSchema.getRootType(operation.operation);
  if (operation === undefined || root === undefined || root === null) {
    return { document, unauthorized: [], empty: false, allows: ALLOW_ALL };
  }
  const ctx: FilterContext = {
    index,
    schema: apiSchema,
    caller,
    callerScopes: new Set(caller.scopes),
    unauthorized: new Map(),
  };
  const selectionSet = filterSelectionSet(ctx, operation.selectionSet, root, []);
  if (ctx.unauthorized.size === 0) return { document, unauthorized: [], empty: false, allows: ALLOW_ALL };
  const unauthorized = [...ctx.unauthorized.values()].map((path) => ({ path }));
  const filtered = withoutUnusedVariables({
    ...operation,
    selectionSet: selectionSet ?? ({ kind: Kind.SELECTION_SET, selections: [] } satisfies SelectionSetNode),
  });
  return {
    document: { kind: Kind.DOCUMENT, definitions: [filtered] },
    unauthorized,
    empty: selectionSet === undefined,
    allows: (parent, fieldName) => fieldName.startsWith('__') || fieldAllowed(ctx, parent, fieldName),
  };
}

/** Removing a field can leave a variable unused, which validation rejects (`NoUnusedVariablesRule`). */
function withoutUnusedVariables(operation: OperationDefinitionNode): OperationDefinitionNode {
  const definitions = operation.variableDefinitions ?? [];
  if (definitions.length === 0) return operation;
  const used = new Set<string>();
  // Only the selections and the operation's own directives can use a variable; defaults cannot.
  visit({ ...operation, variableDefinitions: [] }, {
    Variable: (node) => {
      used.add(node.name.value);
    },
  });
  const kept = definitions.filter((d) => used.has(d.variable.name.value));
  return kept.length === definitions.length ? operation : { ...operation, variableDefinitions: kept };
}
