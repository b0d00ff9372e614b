import {
  isInputObjectType,
  isInterfaceType,
  isIntrospectionType,
  isObjectType,
  type ConstDirectiveNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import { toSize } from './arithmetic';
import { argumentsOf, costDirectiveNames, type CostDirectiveNames } from './directiveNames';
import type { CostIndex, ListSizeInfo } from './types';

interface MutableIndex {
  fieldWeights: Map<string, number>;
  typeWeights: Map<string, number>;
  argumentWeights: Map<string, number>;
  inputFieldWeights: Map<string, number>;
  listSizes: Map<string, ListSizeInfo>;
}

/**
 * Reads `@cost` / `@listSize` from a supergraph (or any schema that defines them), under whatever
 * names its `@link` gives them. Composition already merged per-subgraph values (`weight` by MAX,
 * `assumedSize` by max, slicing / sized field lists by union, `requireOneSlicingArgument` by AND),
 * so the supergraph carries one application per element and no `@join__directive` is involved.
 */
export function costIndexOf(supergraphSchema: GraphQLSchema): CostIndex {
  const index: MutableIndex = {
    fieldWeights: new Map(),
    typeWeights: new Map(),
    argumentWeights: new Map(),
    inputFieldWeights: new Map(),
    listSizes: new Map(),
  };
  const names = costDirectiveNames(supergraphSchema);
  if (names === undefined) return index;
  const types = Object.values(supergraphSchema.getTypeMap()).filter((t) => !isIntrospectionType(t));
  for (const type of types) {
    const typeWeight = weightOf(directivesOfType(type), names);
    if (typeWeight !== undefined) index.typeWeights.set(type.name, typeWeight);
    if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        const weight = weightOf(field.astNode?.directives, names);
        if (weight !== undefined) index.inputFieldWeights.set(`${type.name}.${field.name}`, weight);
      }
    } else if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) readField(index, names, type.name, field);
    }
  }
  inheritFromInterfaces(index, types);
  return index;
}

function readField(index: MutableIndex, names: CostDirectiveNames, typeName: string, field: GraphQLField<unknown, unknown>): void {
  const coordinate = `${typeName}.${field.name}`;
  const weight = weightOf(field.astNode?.directives, names);
  if (weight !== undefined) index.fieldWeights.set(coordinate, weight);
  const listSize = listSizeOf(field.astNode?.directives, names);
  if (listSize !== undefined) index.listSizes.set(coordinate, listSize);
  for (const arg of field.args) {
    const argWeight = weightOf(arg.astNode?.directives, names);
    if (argWeight !== undefined) index.argumentWeights.set(`${coordinate}(${arg.name}:)`, argWeight);
  }
}

/**
 * An operation may select a field through an interface while the cost is computed on the runtime
 * object type: a field with no directive of its own takes its interfaces' (highest weight, first
 * `@listSize`), so annotating the interface field alone is enough. Valid schemas list every
 * transitive interface, so looking one level up suffices.
 */
function inheritFromInterfaces(index: MutableIndex, types: readonly GraphQLNamedType[]): void {
  const ownWeights = new Map(index.fieldWeights);
  const ownListSizes = new Map(index.listSizes);
  for (const type of types) {
    if (!isObjectType(type) && !isInterfaceType(type)) continue;
    for (const fieldName of Object.keys(type.getFields())) {
      const own = `${type.name}.${fieldName}`;
      for (const iface of type.getInterfaces()) {
        const inherited = `${iface.name}.${fieldName}`;
        const weight = ownWeights.get(inherited);
        if (weight !== undefined && !ownWeights.has(own)) {
          index.fieldWeights.set(own, Math.max(weight, index.fieldWeights.get(own) ?? 0));
        }
        const listSize = ownListSizes.get(inherited);
        if (listSize !== undefined && !index.listSizes.has(own)) index.listSizes.set(own, listSize);
      }
    }
  }
}

function directivesOfType(type: GraphQLNamedType): readonly ConstDirectiveNode[] {
  return [type.astNode, ...type.extensionASTNodes].flatMap((node) => node?.directives ?? []);
}

function find(directives: readonly ConstDirectiveNode[] | undefined, name: string): ConstDirectiveNode | undefined {
  return directives?.find((d) => d.name.value === name);
}

function weightOf(directives: readonly ConstDirectiveNode[] | undefined, names: CostDirectiveNames): number | undefined {
  const directive = find(directives, names.cost);
  return directive === undefined ? undefined : toSize(argumentsOf(directive).get('weight'));
}

function listSizeOf(directives: readonly ConstDirectiveNode[] | undefined, names: CostDirectiveNames): ListSizeInfo | undefined {
  const directive = find(directives, names.listSize);
  if (directive === undefined) return undefined;
  const args = argumentsOf(directive);
  const requireOne = args.get('requireOneSlicingArgument');
  return {
    assumedSize: toSize(args.get('assumedSize')),
    slicingArguments: strings(args.get('slicingArguments')),
    sizedFields: strings(args.get('sizedFields')),
    requireOneSlicingArgument: typeof requireOne === 'boolean' ? requireOne : true,
  };
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? (value as unknown[]).filter((v): v is string => typeof v === 'string') : [];
}
