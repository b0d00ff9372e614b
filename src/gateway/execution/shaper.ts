import {
  getNamedType,
  GraphQLError,
  isAbstractType,
  isCompositeType,
  isEnumType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  GraphQLBoolean,
  GraphQLFloat,
  GraphQLID,
  GraphQLInt,
  GraphQLString,
  type DirectiveNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/**
 * Result shaping, compiled once per operation: turns the merged subgraph data into exactly the response the
 * client asked for (field order, aliases, fragments, @skip/@include, __typename, null propagation), with the
 * semantics of @apollo/gateway's `computeResponse` but without its per-request walk over federation-internals
 * objects. Compiled with the plan and cached with it.
 */
export type Shaper = (input: Record<string, unknown> | null | undefined, variables: Readonly<Record<string, unknown>>) => {
  data: Record<string, unknown> | null;
  errors: GraphQLError[];
};

/** A @skip/@include argument: a literal, or the name of a variable. */
type Flag = boolean | { variable: string };
interface Conditions {
  skip?: Flag;
  include?: Flag;
}

type Shape =
  | { kind: 'nonNull'; of: Shape }
  | { kind: 'list'; of: Shape }
  | { kind: 'leaf'; type: GraphQLNamedType }
  | { kind: 'composite'; type: GraphQLCompositeType };

type Step =
  | { kind: 'field'; name: string; responseName: string; typename: boolean; shape: Shape; sub: Step[] | undefined; conditions: Conditions | undefined }
  | { kind: 'fragment'; typeCondition: GraphQLCompositeType | undefined; sub: Step[]; conditions: Conditions | undefined };

export class UnsupportedOperation extends Error {}

/** Compiles the shaper of one operation; throws UnsupportedOperation for what the fast path leaves to stock. */
export function compileShaper(schema: GraphQLSchema, operation: OperationDefinitionNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>): Shaper {
  const root = schema.getRootType(operation.operation);
  if (!root) throw new UnsupportedOperation(`no ${operation.operation} root type`);
  const compileSet = (set: SelectionSetNode, parent: GraphQLCompositeType, depth: number): Step[] => {
    const steps: Step[] = [];
    for (const sel of set.selections) {
      const conditions = conditionsOf(sel.directives);
      if (sel.kind === Kind.FIELD) {
        const name = sel.name.value;
        const responseName = sel.alias?.value ?? name;
        if (name === '__typename') {
          steps.push({ kind: 'field', name, responseName, typename: true, shape: { kind: 'leaf', type: GraphQLString }, sub: undefined, conditions });
          continue;
        }
        if (name === '__schema' || name === '__type') throw new UnsupportedOperation('introspection');
        const def = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
        if (!def) throw new UnsupportedOperation(`unknown field ${parent.name}.${name}`);
        const named = getNamedType(def.type);
        const sub = sel.selectionSet && isCompositeType(named) ? compileSet(sel.selectionSet, named, depth + 1) : undefined;
        steps.push({ kind: 'field', name, responseName, typename: false, shape: shapeOf(def.type), sub, conditions });
      } else {
        const fragment = sel.kind === Kind.FRAGMENT_SPREAD ? fragments.get(sel.name.value) : sel;
        if (!fragment) throw new UnsupportedOperation('unknown fragment');
        const condName = fragment.typeCondition?.name.value;
        const conditionType = condName ? schema.getType(condName) : undefined;
        if (condName && !isCompositeType(conditionType)) throw new UnsupportedOperation(`bad type condition ${condName}`);
        const typeCondition = conditionType as GraphQLCompositeType | undefined;
        if (depth > 256) throw new UnsupportedOperation('too deep');
        steps.push({ kind: 'fragment', typeCondition, sub: compileSet(fragment.selectionSet, typeCondition ?? parent, depth + 1), conditions });
      }
    }
    return steps;
  };
  const steps = compileSet(operation.selectionSet, root, 0);
  const defaults = variableDefaults(operation);

  return (input, variables) => {
    if (!input) return { data: input ?? null, errors: [] };
    const run = new Run(schema, defaults ? { ...defaults, ...variables } : variables);
    const data: Record<string, unknown> = Object.create(null);
    const bubbled = run.applySet(steps, input, data, root, []);
    return { data: bubbled ? null : data, errors: run.errors };
  };
}

function shapeOf(type: GraphQLOutputType): Shape {
  if (isNonNullType(type)) return { kind: 'nonNull', of: shapeOf(type.ofType) };
  if (isListType(type)) return { kind: 'list', of: shapeOf(type.ofType) };
  return isCompositeType(type) ? { kind: 'composite', type } : { kind: 'leaf', type };
}

function conditionsOf(directives: readonly DirectiveNode[] | undefined): Conditions | undefined {
  if (!directives || directives.length === 0) return undefined;
  let conditions: Conditions | undefined;
  for (const d of directives) {
    if (d.name.value !== 'skip' && d.name.value !== 'include') continue;
    const arg = d.arguments?.find((a) => a.name.value === 'if')?.value;
    const flag: Flag = arg?.kind === Kind.VARIABLE ? { variable: arg.name.value } : arg?.kind === Kind.BOOLEAN ? arg.value : false;
    conditions = { ...conditions, [d.name.value]: flag };
  }
  return conditions;
}

function variableDefaults(operation: OperationDefinitionNode): Record<string, unknown> | undefined {
  let defaults: Record<string, unknown> | undefined;
  for (const def of operation.variableDefinitions ?? []) {
    if (def.defaultValue?.kind === Kind.BOOLEAN) (defaults ??= Object.create(null) as Record<string, unknown>)[def.variable.name.value] = def.defaultValue.value;
  }
  return defaults;
}

const hasOwn = Object.prototype.hasOwnProperty;
const INTEGER = /^[+-]?\d+$/;

/** One shaping pass: the variables, the errors found, and the flags `update` reports through. */
class Run {
  readonly errors: GraphQLError[] = [];
  private invalid = false;
  private hasErrors = false;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly variables: Readonly<Record<string, unknown>>,
  ) {}

  private flag(f: Flag): boolean {
    return typeof f === 'boolean' ? f : this.variables[f.variable] === true;
  }

  private skipped(c: Conditions): boolean {
    return (c.skip !== undefined && this.flag(c.skip)) || (c.include !== undefined && !this.flag(c.include));
  }

  /** Returns true when a null must bubble up to the parent. */
  applySet(steps: Step[], input: Record<string, unknown>, output: Record<string, unknown>, parent: GraphQLCompositeType, path: Array<string | number>): boolean {
    for (const step of steps) {
      if (step.conditions && this.skipped(step.conditions)) continue;
      if (step.kind === 'field') {
        const key = step.responseName;
        const outputValue = output[key];
        if (step.typename) {
          if (outputValue !== undefined) continue;
          let value = hasOwn.call(input, key) ? (input[key] ?? null) : null;
          if (value === null && key !== '__typename') value = input.__typename ?? null;
          const type = typeof value === 'string' ? (this.schema.getType(value) ?? parent) : parent;
          if (!isObjectType(type)) return true;
          output[key] = type.name;
          continue;
        }
        const inputValue = hasOwn.call(input, key) ? (input[key] ?? null) : null;
        path.push(key);
        const updated = this.update(outputValue, step.shape, inputValue, step.sub, path, parent);
        output[key] = updated;
        path.pop();
        if (this.invalid) {
          this.invalid = false;
          return true;
        }
      } else {
        const typename = input.__typename;
        if (this.applies(step.typeCondition, typeof typename === 'string' ? typename : undefined, parent)) {
          if (this.applySet(step.sub, input, output, step.typeCondition ?? parent, path)) return true;
        }
      }
    }
    return false;
  }

  private applies(condition: GraphQLCompositeType | undefined, typename: string | undefined, parent: GraphQLCompositeType): boolean {
    if (!condition) return true;
    const type = typename ? this.schema.getType(typename) : parent;
    if (!type) return false;
    if (type === condition) return true;
    return isAbstractType(condition) && (isObjectType(type) || isInterfaceType(type)) && this.schema.isSubType(condition, type);
  }

  // Mirrors @apollo/gateway's updateOutputValue; reports "invalid" (null must bubble) and "hasErrors" by flags.
  private update(outputValue: unknown, shape: Shape, inputValue: unknown, sub: Step[] | undefined, path: Array<string | number>, parent: GraphQLCompositeType): unknown {
    this.invalid = false;
    this.hasErrors = false;
    if (outputValue === null || (outputValue !== undefined && !sub)) return outputValue;
    if (shape.kind === 'nonNull') {
      const updated = this.update(outputValue, shape.of, inputValue, sub, path, parent);
      if (updated === null) {
        if (!this.hasErrors) this.errors.push(invalidGraphQL(`Cannot return null for non-nullable ${describe(path, shape.of, parent)}.`, path));
        this.invalid = true;
        this.hasErrors = true;
      } else {
        this.invalid = false;
        this.hasErrors = false;
      }
      return updated;
    }
    if (inputValue === null) return null;
    if (shape.kind === 'list') {
      if (!Array.isArray(inputValue)) return this.badValue(path, shape, parent);
      const existing = Array.isArray(outputValue) ? outputValue : undefined;
      const out = new Array<unknown>(inputValue.length);
      let nullify = false;
      let errors = false;
      for (let i = 0; i < inputValue.length; i++) {
        path.push(i);
        out[i] = this.update(existing?.[i], shape.of, inputValue[i], sub, path, parent);
        path.pop();
        nullify ||= this.invalid;
        errors ||= this.hasErrors;
      }
      this.invalid = false;
      this.hasErrors = errors;
      return nullify ? null : out;
    }
    if (shape.kind === 'composite') {
      if (typeof inputValue !== 'object' || Array.isArray(inputValue)) return this.badValue(path, shape, parent);
      const object = inputValue as Record<string, unknown>;
      const typename = object.__typename;
      let objType: GraphQLCompositeType = shape.type;
      if (typeof typename === 'string' && typename) {
        const found = this.schema.getType(typename);
        if (!found || !isCompositeType(found)) {
          this.errors.push(invalidGraphQL(`Invalid __typename found for object at ${describe(path, shape.type, parent)}.`, path));
          this.hasErrors = true;
          return null;
        }
        objType = found;
      }
      const out = (outputValue as Record<string, unknown> | undefined) ?? (Object.create(null) as Record<string, unknown>);
      const bubbled = this.applySet(sub ?? [], object, out, objType, path);
      this.invalid = false;
      this.hasErrors = bubbled;
      return bubbled ? null : out;
    }
    if (isValidLeaf(inputValue, shape.type)) return inputValue;
    this.errors.push(invalidGraphQL(`Invalid value found for ${describe(path, shape.type, parent)}.`, path));
    this.hasErrors = true;
    return null;
  }

  private badValue(path: Array<string | number>, shape: Shape, parent: GraphQLCompositeType): null {
    const type = shape.kind === 'composite' || shape.kind === 'leaf' ? shape.type.name : 'list';
    this.errors.push(invalidGraphQL(`Invalid value found for ${describe(path, type, parent)}.`, path));
    this.hasErrors = true;
    return null;
  }
}

function describe(path: ReadonlyArray<string | number>, current: Shape | { name: string } | string, parent: { name: string }): string {
  const last = path[path.length - 1];
  if (typeof last === 'string') return `field ${parent.name}.${last}`;
  return `array element of type ${typeof current === 'string' ? current : printShape(current)} at index ${String(last)}`;
}

function printShape(shape: Shape | { name: string }): string {
  if ('name' in shape) return shape.name;
  switch (shape.kind) {
    case 'nonNull':
      return `${printShape(shape.of)}!`;
    case 'list':
      return `[${printShape(shape.of)}]`;
    default:
      return shape.type.name;
  }
}

function isValidLeaf(value: unknown, type: GraphQLNamedType): boolean {
  const builtIn = type === GraphQLInt || type === GraphQLFloat || type === GraphQLString || type === GraphQLBoolean || type === GraphQLID;
  if (!builtIn && !isEnumType(type) && type.name !== 'Int' && type.name !== 'Float' && type.name !== 'String' && type.name !== 'Boolean' && type.name !== 'ID') return true;
  if (typeof value === 'boolean') return type.name === 'Boolean';
  if (typeof value === 'number' && Number.isFinite(value)) {
    if (type.name === 'Int' || type.name === 'ID') return INTEGER.test(String(value));
    return type.name === 'Float';
  }
  if (typeof value === 'string') {
    if (isEnumType(type)) return type.getValue(value) !== undefined;
    return type.name !== 'Boolean' && type.name !== 'Int' && type.name !== 'Float';
  }
  return false;
}

function invalidGraphQL(message: string, path: ReadonlyArray<string | number>): GraphQLError {
  return new GraphQLError(message, { path: [...path], extensions: { code: 'INVALID_GRAPHQL' } });
}
