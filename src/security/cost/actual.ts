import {
  getNamedType,
  isAbstractType,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  type DocumentNode,
  type GraphQLCompositeType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { add } from './arithmetic';
import { collectFields, type FieldGroup } from './collect';
import { operationContext, type OperationContext } from './operation';
import type { CostIndex } from './types';
import { argumentsCost, valueWeight } from './weights';

/** One response object still to be costed, with the selections that produced it. */
interface Frame {
  readonly value: Readonly<Record<string, unknown>>;
  readonly sets: readonly SelectionSetNode[];
  readonly declared: GraphQLCompositeType;
  readonly runtime: GraphQLObjectType | undefined;
}

/**
 * The cost of what a response actually holds, with the estimate's weights: every non-null value
 * in `data` adds its weight (list items one by one, so real lengths replace assumed sizes), every
 * field present with a non-null value adds its arguments' weights once per parent object, and a
 * mutation adds 10. Null or absent values add nothing. An abstract value's runtime type comes from
 * its `__typename` when the response has it; otherwise every fragment is taken to apply (only keys
 * present in the data are charged either way). Iterative, so deep responses cannot overflow.
 */
export function actualCost(
  index: CostIndex,
  apiSchema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
  data: unknown,
  variables: Readonly<Record<string, unknown>>,
): number {
  const ctx = operationContext(document, operationName, variables);
  const root = ctx === undefined ? undefined : apiSchema.getRootType(ctx.operation.operation);
  if (ctx === undefined || root === undefined || root === null || !isRecord(data)) return 0;
  const collector = new CachedCollector(apiSchema, ctx);
  // What a field costs besides its values depends only on the field group and its owner type: worked out once.
  const plans = new Map<FieldGroup, Map<GraphQLCompositeType, FieldPlan | null>>();
  const planOf = (group: FieldGroup, owner: GraphQLCompositeType): FieldPlan | null => {
    let byOwner = plans.get(group);
    if (!byOwner) plans.set(group, (byOwner = new Map()));
    let plan = byOwner.get(owner);
    if (plan === undefined) {
      const field = isObjectType(owner) || isInterfaceType(owner) ? owner.getFields()[group.name] : undefined;
      const node = group.nodes[0];
      const coordinate = `${owner.name}.${group.name}`;
      plan =
        field === undefined || node === undefined
          ? null
          : {
              coordinate,
              args: argumentsCost(index, coordinate, field, node, ctx.variables),
              declared: getNamedType(field.type),
              sets: group.nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : [])),
            };
      byOwner.set(owner, plan);
    }
    return plan;
  };
  let cost = ctx.operation.operation === 'mutation' ? 10 : 0;
  const stack: Frame[] = [{ value: data, sets: [ctx.operation.selectionSet], declared: root, runtime: root }];
  const items: unknown[] = [];
  for (let frame = stack.pop(); frame !== undefined; frame = stack.pop()) {
    for (const group of collector.collect(frame)) {
      if (!Object.prototype.hasOwnProperty.call(frame.value, group.responseKey)) continue;
      const fieldValue = frame.value[group.responseKey];
      if (fieldValue === null || fieldValue === undefined) continue;
      const plan = planOf(group, frame.runtime ?? group.scope);
      if (plan === null) continue;
      cost = add(cost, plan.args);
      const { coordinate, declared, sets } = plan;
      // Lists (of lists) are flattened with a stack too: list nesting comes from the data, not the type.
      items.push(fieldValue);
      for (let item = items.pop(); item !== undefined || items.length > 0; item = items.pop()) {
        if (item === null || item === undefined) continue;
        if (Array.isArray(item)) {
          for (const element of item as unknown[]) items.push(element);
          continue;
        }
        const runtime = isCompositeType(declared) && isRecord(item) ? runtimeOf(apiSchema, declared, item) : undefined;
        cost = add(cost, valueWeight(index, coordinate, declared, runtime));
        if (isCompositeType(declared) && isRecord(item)) stack.push({ value: item, sets, declared, runtime });
      }
    }
  }
  return cost;
}

/** A field group under one owner type: its coordinate, its arguments' cost, its type, its sub-selections. */
interface FieldPlan {
  readonly coordinate: string;
  readonly args: number;
  readonly declared: GraphQLNamedType;
  readonly sets: readonly SelectionSetNode[];
}

/** The response object's own type: the declared object type, or the `__typename` an abstract value reports. */
function runtimeOf(schema: GraphQLSchema, declared: GraphQLCompositeType, value: Readonly<Record<string, unknown>>): GraphQLObjectType | undefined {
  if (!isAbstractType(declared)) return declared;
  const typename = value['__typename'];
  const type: GraphQLNamedType | null | undefined = typeof typename === 'string' ? schema.getType(typename) : undefined;
  return type && isObjectType(type) && schema.isSubType(declared, type) ? type : undefined;
}

/**
 * A list of N objects shares one merged selection: collect it once per runtime type, not N times. Keyed by the
 * selection sets' array (one per field plan, so the same array every time) and the types, with no key string.
 */
class CachedCollector {
  private readonly cache = new WeakMap<readonly SelectionSetNode[], Map<GraphQLCompositeType, Map<GraphQLObjectType | undefined, FieldGroup[]>>>();

  constructor(private readonly schema: GraphQLSchema, private readonly ctx: OperationContext) {}

  collect(frame: Frame): FieldGroup[] {
    let byDeclared = this.cache.get(frame.sets);
    if (!byDeclared) this.cache.set(frame.sets, (byDeclared = new Map()));
    let byRuntime = byDeclared.get(frame.declared);
    if (!byRuntime) byDeclared.set(frame.declared, (byRuntime = new Map()));
    let groups = byRuntime.get(frame.runtime);
    if (groups === undefined) {
      groups = [...collectFields(this.schema, this.ctx, frame.sets, frame.declared, frame.runtime).values()];
      byRuntime.set(frame.runtime, groups);
    }
    return groups;
  }
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
