// Over 300 lines on purpose: one concern — the compiled result shaper, whose collect/complete passes mirror
// @apollo/gateway's computeResponse and only read well side by side.
import {
  getNamedType,
  GraphQLError,
  isAbstractType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type DirectiveNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
} from 'graphql';
import { isValidLeaf } from './leafValues';

/**
 * Result shaping, compiled once per operation: turns the merged subgraph data into the response's `data`
 * (field order, aliases, fragments, @skip/@include, __typename, null propagation), with the semantics of
 * @apollo/gateway's `computeResponse`. Fields are collected once per runtime type (as graphql-js's
 * collectFields does) and cached, so each object costs one pass over its own keys.
 */
export type Shaper = (
  input: Record<string, unknown> | null | undefined,
  variables: Readonly<Record<string, unknown>>,
) => { data: Record<string, unknown> | null; errors: GraphQLError[] };

export class UnsupportedOperation extends Error {}

/**
 * Whether the caller may see a field of a parent type (authorization's decision, see AuthorizationResult);
 * absent when nothing is restricted for the caller.
 */
export type FieldGuard = (parent: GraphQLCompositeType, fieldName: string) => boolean;

/** A @skip/@include argument: a literal, or the name of a variable. */
type Flag = boolean | string;

type Shape =
  | { kind: 'nonNull'; of: Shape }
  | { kind: 'list'; of: Shape }
  | { kind: 'leaf'; type: GraphQLNamedType }
  | { kind: 'composite'; type: GraphQLCompositeType };

/** One response key of an object, with every selection that asked for it (merged, as collectFields does). */
interface Group {
  key: string;
  /** False for keys an object inherits (e.g. `constructor`): those are read and written as own properties only. */
  plain: boolean;
  typename: boolean;
  shape: Shape;
  /** The type in effect where the key first appeared (for messages and __typename). */
  parent: GraphQLCompositeType;
  nodes: FieldNode[];
  sub: SelectionList | undefined;
  /** Authorization removed this field for the caller: it is written as null, whatever the data holds. */
  denied: boolean;
}

/** The selections of one selection set (or several merged), compiled lazily per runtime type. */
class SelectionList {
  private readonly groupsByType = new Map<string, Group[]>();
  /** Whether any selection below depends on a variable: then groups are not cached. */
  private readonly conditional: boolean;

  constructor(
    private readonly compiler: Compiler,
    private readonly selections: readonly SelectionNode[],
    private readonly staticType: GraphQLCompositeType,
  ) {
    this.conditional = selections.some((s) => hasVariableCondition(s, compiler.fragments));
  }

  groups(typename: string | undefined, variables: Readonly<Record<string, unknown>>): Group[] {
    if (this.conditional) return this.collect(typename, variables);
    const cacheKey = typename ?? '';
    let groups = this.groupsByType.get(cacheKey);
    if (!groups) {
      groups = this.collect(typename, variables);
      this.groupsByType.set(cacheKey, groups);
    }
    return groups;
  }

  // Mirrors applySelectionSet's walk: type conditions against the __typename's type, else the type in effect.
  private collect(typename: string | undefined, variables: Readonly<Record<string, unknown>>): Group[] {
    const schema = this.compiler.schema;
    const runtime = typename ? schema.getType(typename) : undefined;
    const byKey = new Map<string, Group>();
    const groups: Group[] = [];
    const walk = (selections: readonly SelectionNode[], parent: GraphQLCompositeType): void => {
      for (const sel of selections) {
        if (skipped(sel.directives, variables)) continue;
        if (sel.kind === Kind.FIELD) {
          const key = sel.alias?.value ?? sel.name.value;
          const existing = byKey.get(key);
          // Fails closed: a key any of whose selections the caller may not see is written as null.
          const denied = this.compiler.denies(parent, sel.name.value);
          if (existing) {
            existing.nodes.push(sel);
            existing.denied ||= denied;
            continue;
          }
          const group = this.compiler.group(sel, key, parent);
          group.denied = denied;
          byKey.set(key, group);
          groups.push(group);
          continue;
        }
        const fragment = sel.kind === Kind.FRAGMENT_SPREAD ? this.compiler.fragments.get(sel.name.value) : sel;
        if (!fragment) continue;
        const conditionName = fragment.typeCondition?.name.value;
        const condition = conditionName ? (schema.getType(conditionName) as GraphQLCompositeType | undefined) : undefined;
        if (conditionName && !condition) continue;
        if (condition && !applies(schema, condition, typename ? runtime : parent)) continue;
        walk(fragment.selectionSet.selections, condition ?? parent);
      }
    };
    // Stock shapes an object's fields against its __typename's type when it has one, else the static type.
    walk(this.selections, runtime && isCompositeType(runtime) ? runtime : this.staticType);
    for (const group of groups) {
      if (group.nodes.length > 1 && group.sub) group.sub = this.compiler.list(group.nodes, group.shape);
    }
    return groups;
  }
}

class Compiler {
  constructor(
    readonly schema: GraphQLSchema,
    readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>,
    private readonly guard: FieldGuard | undefined,
  ) {}

  denies(parent: GraphQLCompositeType, fieldName: string): boolean {
    return this.guard !== undefined && !this.guard(parent, fieldName);
  }

  group(node: FieldNode, key: string, parent: GraphQLCompositeType): Group {
    const plain = !(key in Object.prototype);
    const name = node.name.value;
    if (name === '__typename') return { key, plain, typename: true, shape: { kind: 'leaf', type: this.schema.getType('String') as GraphQLNamedType }, parent, nodes: [node], sub: undefined, denied: false };
    if (name === '__schema' || name === '__type') throw new UnsupportedOperation('introspection');
    const def = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
    if (!def) throw new UnsupportedOperation(`unknown field ${parent.name}.${name}`);
    const shape = shapeOf(def.type);
    const group: Group = { key, plain, typename: false, shape, parent, nodes: [node], sub: undefined, denied: false };
    group.sub = this.list(group.nodes, shape);
    return group;
  }

  list(nodes: readonly FieldNode[], shape: Shape): SelectionList | undefined {
    const named = getNamedType(shapeType(shape));
    if (!isCompositeType(named)) return undefined;
    const selections = nodes.flatMap((n) => n.selectionSet?.selections ?? []);
    return new SelectionList(this, selections, named);
  }
}

/**
 * Compiles the shaper of one operation; throws UnsupportedOperation for what the fast path leaves to stock.
 * With a guard, every field the caller may not see is written as null (a non-null one nulls its parent, as
 * an error would), so data fetched for another reason never reaches the response.
 */
export function compileShaper(schema: GraphQLSchema, operation: OperationDefinitionNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>, guard?: FieldGuard): Shaper {
  const root = schema.getRootType(operation.operation);
  if (!root) throw new UnsupportedOperation(`no ${operation.operation} root type`);
  const compiler = new Compiler(schema, fragments, guard);
  if (containsIntrospection(operation.selectionSet.selections, fragments, new Set())) throw new UnsupportedOperation('introspection');
  const rootList = new SelectionList(compiler, operation.selectionSet.selections, root);
  const defaults = booleanDefaults(operation);
  // Compile eagerly for the no-__typename case so unknown fields are found now, not per request.
  rootList.groups(undefined, defaults ?? {});

  return (input, variables) => {
    if (!input) return { data: null, errors: [] };
    const run = new Run(schema, defaults ? { ...defaults, ...variables } : variables);
    const data = run.object(rootList, input, []);
    return { data: data ?? null, errors: run.errors };
  };
}

/** Shapes one object of a response at `path` (a deferred fragment's part: `@defer`). */
export type SelectionShaper = (
  input: Record<string, unknown>,
  variables: Readonly<Record<string, unknown>>,
  path: Array<string | number>,
) => { data: Record<string, unknown> | null; errors: GraphQLError[] };

/**
 * The shaper of a selection set on `parent` rather than of a whole operation: what a deferred fragment adds at
 * each place it applies, with the same semantics (and the same authorization guard) as compileShaper.
 */
export function compileSelectionShaper(
  schema: GraphQLSchema,
  parent: GraphQLCompositeType,
  selections: readonly SelectionNode[],
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  guard?: FieldGuard,
): SelectionShaper {
  const compiler = new Compiler(schema, fragments, guard);
  if (containsIntrospection(selections, fragments, new Set())) throw new UnsupportedOperation('introspection');
  const list = new SelectionList(compiler, selections, parent);
  return (input, variables, path) => {
    const run = new Run(schema, variables);
    const data = run.object(list, input, path);
    return { data: data ?? null, errors: run.errors };
  };
}

const hasOwn = Object.prototype.hasOwnProperty;

/** One shaping pass: variables, errors found, and the flags a value reports to its parent. */
class Run {
  readonly errors: GraphQLError[] = [];
  private invalid = false;
  private hasErrors = false;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly variables: Readonly<Record<string, unknown>>,
  ) {}

  /** One shaped object, or undefined when a null must bubble up to its parent. */
  object(list: SelectionList, input: Record<string, unknown>, path: Array<string | number>): Record<string, unknown> | undefined {
    const typename = input.__typename;
    const groups = list.groups(typeof typename === 'string' && typename ? typename : undefined, this.variables);
    const out: Record<string, unknown> = {};
    for (let i = 0; i < groups.length; i++) {
      const group = groups[i] as Group;
      const key = group.key;
      const own = group.plain ? input[key] : hasOwn.call(input, key) ? input[key] : undefined;
      let value: unknown;
      if (group.typename) {
        let name = own ?? null;
        if (name === null && key !== '__typename') name = input.__typename ?? null;
        const type = typeof name === 'string' ? (this.schema.getType(name) ?? group.parent) : group.parent;
        if (!isObjectType(type)) return undefined;
        value = type.name;
      } else if (group.denied) {
        // The unauthorized error already stands at this path; a non-null field nulls its parent.
        if (group.shape.kind === 'nonNull') return undefined;
        value = null;
      } else {
        path.push(key);
        value = this.value(group.shape, own ?? null, group.sub, path, group.parent);
        path.pop();
        if (this.invalid) {
          this.invalid = false;
          return undefined;
        }
      }
      if (group.plain) out[key] = value;
      else Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }

  // Mirrors @apollo/gateway's updateOutputValue; flags report "null must bubble" and "an error was recorded".
  private value(shape: Shape, input: unknown, sub: SelectionList | undefined, path: Array<string | number>, parent: GraphQLCompositeType): unknown {
    this.invalid = false;
    this.hasErrors = false;
    if (shape.kind === 'nonNull') {
      const value = this.value(shape.of, input, sub, path, parent);
      if (value === null) {
        if (!this.hasErrors) this.errors.push(invalidGraphQL(`Cannot return null for non-nullable ${describe(path, shape.of, parent)}.`, path));
        this.invalid = true;
        this.hasErrors = true;
      } else {
        this.invalid = false;
        this.hasErrors = false;
      }
      return value;
    }
    if (input === null) return null;
    if (shape.kind === 'list') {
      if (!Array.isArray(input)) return this.bad(path, shape, parent);
      const out = new Array<unknown>(input.length);
      let nullify = false;
      let errors = false;
      for (let i = 0; i < input.length; i++) {
        path.push(i);
        out[i] = this.value(shape.of, input[i], sub, path, parent);
        path.pop();
        nullify ||= this.invalid;
        errors ||= this.hasErrors;
      }
      this.invalid = false;
      this.hasErrors = errors;
      return nullify ? null : out;
    }
    if (shape.kind === 'composite') {
      if (typeof input !== 'object' || Array.isArray(input)) return this.bad(path, shape, parent);
      const object = input as Record<string, unknown>;
      const typename = object.__typename;
      if (typeof typename === 'string' && typename) {
        const found = this.schema.getType(typename);
        if (!found || !isCompositeType(found)) {
          this.errors.push(invalidGraphQL(`Invalid __typename found for object at ${describe(path, shape, parent)}.`, path));
          this.hasErrors = true;
          return null;
        }
      }
      const shaped = this.object(sub as SelectionList, object, path);
      this.invalid = false;
      this.hasErrors = shaped === undefined;
      return shaped ?? null;
    }
    if (isValidLeaf(input, shape.type)) return input;
    this.errors.push(invalidGraphQL(`Invalid value found for ${describe(path, shape, parent)}.`, path));
    this.hasErrors = true;
    return null;
  }

  private bad(path: Array<string | number>, shape: Shape, parent: GraphQLCompositeType): null {
    this.errors.push(invalidGraphQL(`Invalid value found for ${describe(path, shape, parent)}.`, path));
    this.hasErrors = true;
    return null;
  }
}

function skipped(directives: readonly DirectiveNode[] | undefined, variables: Readonly<Record<string, unknown>>): boolean {
  if (!directives || directives.length === 0) return false;
  for (const d of directives) {
    if (d.name.value !== 'skip' && d.name.value !== 'include') continue;
    const value = flagValue(d, variables);
    if (d.name.value === 'skip' ? value : !value) return true;
  }
  return false;
}

function flagValue(d: DirectiveNode, variables: Readonly<Record<string, unknown>>): boolean {
  const arg = d.arguments?.find((a) => a.name.value === 'if')?.value;
  const flag: Flag = arg?.kind === Kind.VARIABLE ? arg.name.value : arg?.kind === Kind.BOOLEAN ? arg.value : false;
  return typeof flag === 'boolean' ? flag : variables[flag] === true;
}

function hasVariableCondition(sel: SelectionNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>, seen = new Set<string>()): boolean {
  const own = sel.directives?.some((d) => (d.name.value === 'skip' || d.name.value === 'include') && d.arguments?.some((a) => a.value.kind === Kind.VARIABLE));
  if (own) return true;
  if (sel.kind === Kind.FRAGMENT_SPREAD) {
    if (seen.has(sel.name.value)) return false;
    seen.add(sel.name.value);
    const fragment = fragments.get(sel.name.value);
    return !!fragment && fragment.selectionSet.selections.some((s) => hasVariableCondition(s, fragments, seen));
  }
  // Conditions inside a field's own selection set belong to that field's list, not to this one.
  if (sel.kind === Kind.INLINE_FRAGMENT) return sel.selectionSet.selections.some((s) => hasVariableCondition(s, fragments, seen));
  return false;
}

function containsIntrospection(selections: readonly SelectionNode[], fragments: ReadonlyMap<string, FragmentDefinitionNode>, seen: Set<string>): boolean {
  for (const sel of selections) {
    if (sel.kind === Kind.FIELD && (sel.name.value === '__schema' || sel.name.value === '__type')) return true;
    if (sel.kind === Kind.INLINE_FRAGMENT && containsIntrospection(sel.selectionSet.selections, fragments, seen)) return true;
    if (sel.kind === Kind.FRAGMENT_SPREAD && !seen.has(sel.name.value)) {
      seen.add(sel.name.value);
      const fragment = fragments.get(sel.name.value);
      if (fragment && containsIntrospection(fragment.selectionSet.selections, fragments, seen)) return true;
    }
  }
  return false;
}

function applies(schema: GraphQLSchema, condition: GraphQLCompositeType, type: GraphQLNamedType | undefined): boolean {
  if (!type) return false;
  if (type === condition) return true;
  return isAbstractType(condition) && (isObjectType(type) || isInterfaceType(type)) && schema.isSubType(condition, type);
}

function shapeOf(type: GraphQLOutputType): Shape {
  if (isNonNullType(type)) return { kind: 'nonNull', of: shapeOf(type.ofType) };
  if (isListType(type)) return { kind: 'list', of: shapeOf(type.ofType) };
  return isCompositeType(type) ? { kind: 'composite', type } : { kind: 'leaf', type };
}

function shapeType(shape: Shape): GraphQLNamedType {
  return shape.kind === 'nonNull' || shape.kind === 'list' ? shapeType(shape.of) : shape.type;
}

function printShape(shape: Shape): string {
  if (shape.kind === 'nonNull') return `${printShape(shape.of)}!`;
  if (shape.kind === 'list') return `[${printShape(shape.of)}]`;
  return shape.type.name;
}

function describe(path: ReadonlyArray<string | number>, current: Shape, parent: { name: string }): string {
  const last = path[path.length - 1];
  if (typeof last === 'string') return `field ${parent.name}.${last}`;
  return `array element of type ${printShape(current)} at index ${String(last)}`;
}

function booleanDefaults(operation: OperationDefinitionNode): Record<string, unknown> | undefined {
  let defaults: Record<string, unknown> | undefined;
  for (const def of operation.variableDefinitions ?? []) {
    if (def.defaultValue?.kind === Kind.BOOLEAN) (defaults ??= Object.create(null) as Record<string, unknown>)[def.variable.name.value] = def.defaultValue.value;
  }
  return defaults;
}

function invalidGraphQL(message: string, path: ReadonlyArray<string | number>): GraphQLError {
  return new GraphQLError(message, { path: [...path], extensions: { code: 'INVALID_GRAPHQL' } });
}
