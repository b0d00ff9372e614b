import {
  getNamedType,
  isAbstractType,
  isCompositeType,
  isObjectType,
  Kind,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { EntityKeys } from './entityKeys';

/**
 * Every entity a result holds with its key, by walking the result along the operation's selections with the
 * schema's types: `[{ type: "Review", key: { id: "7" } }]`. An object whose runtime type is unknown (an
 * abstract field without `__typename`) counts under the abstract type only if that type is itself an entity.
 */
export function entitiesInResult(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  data: Readonly<Record<string, unknown>> | null | undefined,
  keys: EntityKeys,
): Array<{ type: string; key: Record<string, unknown> }> {
  const found = new Map<string, { type: string; key: Record<string, unknown> }>();
  const root = schema.getRootType(operation.operation);
  if (!root || !data) return [];

  const walkValue = (type: GraphQLCompositeType, value: unknown, selectionSet: SelectionSetNode): void => {
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) {
      for (const item of value) walkValue(type, item, selectionSet);
      return;
    }
    if (typeof value !== 'object') return;
    const object = value as Record<string, unknown>;
    let runtime: GraphQLCompositeType = type;
    if (isAbstractType(type) && typeof object.__typename === 'string') {
      const named = schema.getType(object.__typename);
      if (named && isObjectType(named)) runtime = named;
    }
    const key = keys.keyOf(runtime.name, object);
    if (key) found.set(`${runtime.name}\u0000${JSON.stringify(key)}`, { type: runtime.name, key });
    walkSelections(runtime, object, selectionSet);
  };

  const walkSelections = (type: GraphQLCompositeType, object: Record<string, unknown>, selectionSet: SelectionSetNode): void => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (!selection.selectionSet || !('getFields' in type)) continue;
        const field = type.getFields()[selection.name.value];
        const fieldType = field ? getNamedType(field.type) : undefined;
        if (fieldType && isCompositeType(fieldType)) walkValue(fieldType, object[selection.alias?.value ?? selection.name.value], selection.selectionSet);
      } else {
        const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments.get(selection.name.value);
        if (!fragment) continue;
        const condition = fragment.typeCondition ? schema.getType(fragment.typeCondition.name.value) : type;
        if (!condition || !isCompositeType(condition)) continue;
        // A fragment on another concrete type does not apply to this object.
        if (isObjectType(condition) && isObjectType(type) && condition !== type) continue;
        walkSelections(isObjectType(condition) ? condition : type, object, fragment.selectionSet);
      }
    }
  };

  walkSelections(root, data as Record<string, unknown>, operation.selectionSet);
  return [...found.values()];
}
