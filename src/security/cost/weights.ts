import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isInputObjectType,
  isListType,
  type FieldNode,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
} from 'graphql';
import { add } from './arithmetic';
import { suppliedArgument, type VariableValues } from './operation';
import type { CostIndex } from './types';

/**
 * Weight of one value of `fieldType` returned by `Type.field`: the field's `@cost`, else the value's
 * type's (the runtime object type's when known, then the declared type's), else the default:
 * 1 for objects, interfaces and unions, 0 for scalars and enums.
 */
export function valueWeight(index: CostIndex, coordinate: string, declared: GraphQLNamedType, runtime?: GraphQLNamedType): number {
  const own = index.fieldWeights.get(coordinate);
  if (own !== undefined) return own;
  const typeWeight = (runtime && index.typeWeights.get(runtime.name)) ?? index.typeWeights.get(declared.name);
  if (typeWeight !== undefined) return typeWeight;
  return isCompositeType(declared) ? 1 : 0;
}

/**
 * What the arguments the operation supplies cost, charged once per field execution:
 * each supplied non-null argument adds its `@cost`, and every input object field present in its
 * value (at any depth, in lists too) adds that input field's `@cost`. Input objects and list
 * elements weigh nothing by themselves, and arguments left to their schema default are not charged:
 * the weights price what the client asks for.
 */
export function argumentsCost(index: CostIndex, coordinate: string, field: GraphQLField<unknown, unknown>, node: FieldNode, variables: VariableValues): number {
  let cost = 0;
  for (const argNode of node.arguments ?? []) {
    const arg = field.args.find((a) => a.name === argNode.name.value);
    if (arg === undefined) continue;
    const value = suppliedArgument(node, arg.name, variables);
    if (value === undefined || value === null) continue;
    cost = add(cost, index.argumentWeights.get(`${coordinate}(${arg.name}:)`) ?? 0);
    if (index.inputFieldWeights.size > 0) cost = add(cost, inputValueCost(index, arg.type, value));
  }
  return cost;
}

/** Iterative: a variable's JSON value can nest input objects deeper than the call stack allows. */
function inputValueCost(index: CostIndex, type: GraphQLInputType, value: unknown): number {
  let cost = 0;
  const stack: { type: GraphQLInputType; value: unknown }[] = [{ type, value }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    if (item.value === null || item.value === undefined) continue;
    const nullable = getNullableType(item.type);
    if (isListType(nullable)) {
      // A single value where a list is expected is coerced to a one-item list.
      const items: unknown[] = Array.isArray(item.value) ? item.value : [item.value];
      for (const element of items) stack.push({ type: nullable.ofType as GraphQLInputType, value: element });
      continue;
    }
    const named = getNamedType(item.type);
    if (!isInputObjectType(named) || typeof item.value !== 'object' || Array.isArray(item.value)) continue;
    const fields = named.getFields();
    for (const [key, fieldValue] of Object.entries(item.value as Record<string, unknown>)) {
      const inputField = Object.prototype.hasOwnProperty.call(fields, key) ? fields[key] : undefined;
      if (inputField === undefined || fieldValue === null || fieldValue === undefined) continue;
      cost = add(cost, index.inputFieldWeights.get(`${named.name}.${key}`) ?? 0);
      stack.push({ type: inputField.type, value: fieldValue });
    }
  }
  return cost;
}
