import {
  getNamedType,
  isAbstractType,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  Kind,
  type FieldNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import type { AuthorizationIndex } from './authorizationIndex';
import { isMet, type Caller, type Requirement } from './requirement';

/** Everything one filtering walk needs, plus where it records what it removed. */
export interface FilterContext {
  readonly index: AuthorizationIndex;
  readonly schema: GraphQLSchema;
  readonly caller: Caller;
  readonly callerScopes: ReadonlySet<string>;
  /** Unauthorized response paths, in document order, each once (keyed by the joined path). */
  readonly unauthorized: Map<string, readonly string[]>;
}

/**
 * `set` without the selections `ctx.caller` may not see; the same object when nothing was removed,
 * undefined when nothing is left. Recursion follows the operation's nesting (validated, depth-limited).
 */
export function filterSelectionSet(
  ctx: FilterContext,
  set: SelectionSetNode,
  parent: GraphQLCompositeType,
  path: readonly string[],
): SelectionSetNode | undefined {
  let changed = false;
  const kept: SelectionNode[] = [];
  for (const selection of set.selections) {
    const next = filterSelection(ctx, selection, parent, path);
    if (next !== selection) changed = true;
    if (next !== undefined) kept.push(next);
  }
  if (kept.length === 0) return undefined;
  return changed ? { ...set, selections: kept } : set;
}

function filterSelection(
  ctx: FilterContext,
  selection: SelectionNode,
  parent: GraphQLCompositeType,
  path: readonly string[],
): SelectionNode | undefined {
  if (selection.kind === Kind.FIELD) return filterField(ctx, selection, parent, path);
  // Fragment spreads were expanded into inline fragments before filtering.
  if (selection.kind === Kind.FRAGMENT_SPREAD) return selection;
  const typeName = selection.typeCondition?.name.value;
  const type = typeName === undefined ? parent : ctx.schema.getType(typeName);
  if (type === undefined || !isCompositeType(type)) return selection;
  // Attack: `... on Secret { fields }` under a field returning an interface or union, reading an
  // object the caller may not see through a type condition instead of a field returning it.
  if (typeName !== undefined && !allowed(ctx, ctx.index.types.get(typeName))) {
    reportFields(ctx, selection.selectionSet, path);
    return undefined;
  }
  const selectionSet = filterSelectionSet(ctx, selection.selectionSet, type, path);
  if (selectionSet === undefined) return undefined;
  return selectionSet === selection.selectionSet ? selection : { ...selection, selectionSet };
}

function filterField(
  ctx: FilterContext,
  field: FieldNode,
  parent: GraphQLCompositeType,
  path: readonly string[],
): FieldNode | undefined {
  const name = field.name.value;
  // Meta-fields (__typename, __schema, __type) carry no authorization directives.
  if (name.startsWith('__')) return field;
  const definition = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
  if (definition === undefined) return field;
  const responsePath = [...path, field.alias?.value ?? name];
  if (!fieldAllowed(ctx, parent, name)) {
    ctx.unauthorized.set(responsePath.join('\u0000'), responsePath);
    return undefined;
  }
  if (field.selectionSet === undefined) return field;
  const returned = getNamedType(definition.type);
  if (!isCompositeType(returned)) return field;
  const selectionSet = filterSelectionSet(ctx, field.selectionSet, returned, responsePath);
  // A field whose every sub-selection was removed cannot be sent; it was not itself unauthorized.
  if (selectionSet === undefined) return undefined;
  return selectionSet === field.selectionSet ? field : { ...field, selectionSet };
}

/**
 * A field is readable when its own requirement and its return type's are met, and — so that an object
 * cannot be read through a less-guarded view of it — every possible runtime type of its parent, with that
 * type's own version of the field, is readable too (an interface field is as strict as its strictest
 * implementation; a field asked of an interface is as strict as its strictest implementing type).
 */
export function fieldAllowed(ctx: Omit<FilterContext, 'unauthorized'>, parent: GraphQLCompositeType, name: string): boolean {
  const { fields, types } = ctx.index;
  const definition = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
  const returned = definition === undefined ? undefined : getNamedType(definition.type).name;
  if (!allowed(ctx, fields.get(`${parent.name}.${name}`)) || (returned !== undefined && !allowed(ctx, types.get(returned)))) return false;
  if (!allowed(ctx, types.get(parent.name))) return false;
  if (!isAbstractType(parent)) return true;
  return ctx.schema
    .getPossibleTypes(parent)
    .every((impl) => allowed(ctx, types.get(impl.name)) && allowed(ctx, fields.get(`${impl.name}.${name}`)));
}

function allowed(ctx: Omit<FilterContext, 'unauthorized'>, requirement: Requirement | undefined): boolean {
  return requirement === undefined || isMet(requirement, ctx.caller, ctx.callerScopes);
}

/** Reports the fields a removed fragment would have selected (its own level, through nested fragments). */
function reportFields(ctx: FilterContext, set: SelectionSetNode, path: readonly string[]): void {
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value.startsWith('__')) continue;
      const responsePath = [...path, selection.alias?.value ?? selection.name.value];
      ctx.unauthorized.set(responsePath.join('\u0000'), responsePath);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      reportFields(ctx, selection.selectionSet, path);
    }
  }
}
