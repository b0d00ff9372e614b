import { isEnumType, type GraphQLNamedType } from 'graphql';

const INTEGER = /^[+-]?\d+$/;
const BUILT_IN = new Set(['Int', 'Float', 'String', 'Boolean', 'ID']);

/**
 * Whether a subgraph's value fits a leaf type (federation-internals' isValidLeafValue): custom scalars take
 * anything; built-in scalars and enums are checked, and a mismatch becomes null plus an error.
 */
export function isValidLeaf(value: unknown, type: GraphQLNamedType): boolean {
  const enumType = isEnumType(type);
  if (!enumType && !BUILT_IN.has(type.name)) return true;
  if (typeof value === 'boolean') return type.name === 'Boolean';
  if (typeof value === 'number' && Number.isFinite(value)) {
    if (type.name === 'Int' || type.name === 'ID') return INTEGER.test(String(value));
    return type.name === 'Float';
  }
  if (typeof value === 'string') {
    if (enumType) return type.getValue(value) !== undefined;
    return type.name !== 'Boolean' && type.name !== 'Int' && type.name !== 'Float';
  }
  return false;
}
