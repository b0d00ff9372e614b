import { isAbstractType, isInterfaceType, isObjectType, type GraphQLSchema } from 'graphql';

type Data = Record<string, unknown>;

/** A data rewrite of a fetch (Apollo's FetchDataRewrite; Hive's plans are translated to it, see planners/). */
export type DataRewrite = { kind: 'ValueSetter'; path: readonly string[]; setValueTo: unknown } | { kind: 'KeyRenamer'; path: readonly string[]; renameKeyTo: string };

const FRAGMENT = '... on ';

/**
 * Applies a fetch's input or output rewrites to a value (an entity representation, or a fetched entity). Path
 * elements are field names, or `... on T` — T an object type, an abstract type the object belongs to, or (from
 * Hive's plans) `A|B`: any of those exact typenames. Apollo's semantics otherwise (@apollo/gateway dataRewrites).
 */
export function applyRewrites(schema: GraphQLSchema, rewrites: readonly DataRewrite[] | undefined, value: unknown): void {
  if (!rewrites) return;
  for (const rewrite of rewrites) {
    const last = rewrite.path[rewrite.path.length - 1];
    if (last === undefined || last.startsWith(FRAGMENT)) continue;
    applyAt(schema, rewrite.path, 0, value, (obj) => {
      if (rewrite.kind === 'ValueSetter') {
        obj[last] = rewrite.setValueTo;
        return;
      }
      const moved = Object.prototype.hasOwnProperty.call(obj, last) ? obj[last] : undefined;
      if (!moved) return;
      obj[rewrite.renameKeyTo] = moved;
      obj[last] = undefined;
    });
  }
}

function applyAt(schema: GraphQLSchema, path: readonly string[], i: number, value: unknown, apply: (obj: Data) => void): void {
  if (Array.isArray(value)) {
    for (const item of value) applyAt(schema, path, i, item, apply);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  if (i === path.length - 1) return apply(value as Data);
  const element = path[i] as string;
  if (element.startsWith(FRAGMENT)) {
    if (matchesType(schema, value as Data, element.slice(FRAGMENT.length))) applyAt(schema, path, i + 1, value, apply);
    return;
  }
  applyAt(schema, path, i + 1, Object.prototype.hasOwnProperty.call(value, element) ? (value as Data)[element] : undefined, apply);
}

/** Whether an object (by its __typename) is of a type condition: `T`, or `A|B` (any of). No __typename: yes. */
export function matchesType(schema: GraphQLSchema, obj: Data, condition: string): boolean {
  const typename = obj.__typename;
  if (typeof typename !== 'string' || !typename) return true;
  if (condition.includes('|')) return condition.split('|').includes(typename);
  if (condition === typename) return true;
  const type = schema.getType(typename);
  const conditional = schema.getType(condition);
  if (!type || !conditional || !isAbstractType(conditional)) return false;
  return (isObjectType(type) || isInterfaceType(type)) && schema.isSubType(conditional, type as never);
}
