import {
  getNamedType,
  GraphQLError,
  isAbstractType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isNonNullType,
  isObjectType,
  parse,
  typeFromAST,
  TypeInfo,
  validate,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import type { SchemaChange } from './schemaDiff';

/** An operation a check weighs changes against: from a persisted-operation manifest or seen in traffic. */
export interface KnownOperation {
  name: string | undefined;
  body: string;
  source: 'manifest' | 'traffic';
  id?: string;
  clientName?: string;
}

export interface AffectedOperation {
  name: string | undefined;
  id?: string;
  source: 'manifest' | 'traffic';
  clientName?: string;
  /** Coordinates of the breaking changes the operation uses, sorted. */
  changes: string[];
  /** Validation errors against `after` that it did not have against `before`; the syntax error if it does not parse. */
  errors: string[];
}

/**
 * The operations that breaking `changes` (from `before` to `after`) affect, in order of source, name and id.
 * An operation is affected when it uses a breaking change's coordinate (see `uses`), or when validating it against
 * `after` raises an error that validating it against `before` did not: validation is the safety net for what the
 * coordinate mapping misses (a safe change can still break an operation, e.g. fields under one alias no longer merge).
 * An operation that does not parse is reported with its syntax error: a check that cannot read an operation must
 * not pass it silently. Unaffected operations are left out.
 */
export function affectedOperations(changes: readonly SchemaChange[], before: GraphQLSchema, after: GraphQLSchema, operations: readonly KnownOperation[]): AffectedOperation[] {
  const breaking = changes.filter((c) => c.breaking);
  const affected: AffectedOperation[] = [];
  for (const operation of operations) {
    let document: DocumentNode;
    try {
      document = parse(operation.body);
    } catch (err) {
      affected.push(entry(operation, [], [err instanceof GraphQLError ? err.message : String(err)]));
      continue;
    }
    const usage = usageOf(document, before);
    const used = [...new Set(breaking.filter((c) => uses(c, usage, after)).map((c) => c.coordinate))].sort(compare);
    let errors = [...new Set(validate(after, document).map((e) => e.message))];
    if (errors.length > 0) {
      // Errors it already had are not this change's doing (a stale manifest entry, say).
      const old = new Set(validate(before, document).map((e) => e.message));
      errors = errors.filter((m) => !old.has(m));
    }
    if (used.length > 0 || errors.length > 0) affected.push(entry(operation, used, errors));
  }
  return affected.sort((a, b) => compare(a.source, b.source) || compare(a.name ?? '', b.name ?? '') || compare(a.id ?? '', b.id ?? ''));
}

/** What an operation document uses of the `before` schema, as schema coordinates. */
interface Usage {
  /** Every named type it mentions: root, field types, fragment conditions, argument and variable types. */
  types: Set<string>;
  /** Named types of the fields it selects (an enum there can receive any of its values). */
  outputTypes: Set<string>;
  /** `A>T`: it selects on abstract type A, so it can receive T (a possible type or implementation of A). */
  reaches: Set<string>;
  reachedTypes: Set<string>;
  /** `T.f` selected on T itself. */
  fields: Set<string>;
  /** `T.f` for every implementation T of an interface I whose `I.f` it selects. */
  reachedFields: Set<string>;
  /** `T.f(a:)` passed, and `T.f(a:)` of selected fields left out. */
  args: Set<string>;
  omittedArgs: Set<string>;
  /** Types a variable may carry: variable types and, within input objects, their fields' types. */
  variableTypes: Set<string>;
  /** Input objects written as literals, the `I.x` they write, and the `I.x` they leave out. */
  literalInputTypes: Set<string>;
  inputFields: Set<string>;
  omittedInputFields: Set<string>;
  /** `E.V` written as literals. */
  enumValues: Set<string>;
}

function usageOf(document: DocumentNode, schema: GraphQLSchema): Usage {
  const u: Usage = {
    types: new Set(), outputTypes: new Set(), reaches: new Set(), reachedTypes: new Set(), fields: new Set(), reachedFields: new Set(), args: new Set(),
    omittedArgs: new Set(), variableTypes: new Set(), literalInputTypes: new Set(), inputFields: new Set(), omittedInputFields: new Set(), enumValues: new Set(),
  };
  const typeInfo = new TypeInfo(schema);
  const implementationsOf = (type: GraphQLNamedType): GraphQLNamedType[] => {
    if (!isAbstractType(type)) return [];
    if (!isInterfaceType(type)) return [...schema.getPossibleTypes(type)];
    const { objects, interfaces } = schema.getImplementations(type);
    return [...objects, ...interfaces];
  };
  visit(document, visitWithTypeInfo(typeInfo, {
    OperationDefinition(node) {
      const root = schema.getRootType(node.operation);
      if (root) u.types.add(root.name);
    },
    VariableDefinition(node) {
      const type = typeFromAST(schema, node.type);
      if (type) carried(getNamedType(type), u);
    },
    InlineFragment(node) {
      if (node.typeCondition) u.types.add(node.typeCondition.name.value);
    },
    FragmentDefinition(node) {
      u.types.add(node.typeCondition.name.value);
    },
    SelectionSet() {
      const parent = typeInfo.getParentType();
      for (const type of parent ? implementationsOf(parent) : []) {
        u.reaches.add(`${parent?.name}>${type.name}`);
        u.reachedTypes.add(type.name);
      }
    },
    Field(node) {
      const parent = typeInfo.getParentType();
      const field = typeInfo.getFieldDef();
      if (!parent || !field || node.name.value.startsWith('__')) return;
      const returned = getNamedType(field.type).name;
      u.types.add(returned);
      u.outputTypes.add(returned);
      u.fields.add(`${parent.name}.${field.name}`);
      if (isInterfaceType(parent)) for (const type of implementationsOf(parent)) u.reachedFields.add(`${type.name}.${field.name}`);
      const passed = new Set(node.arguments?.map((a) => a.name.value));
      for (const arg of field.args) if (!passed.has(arg.name)) u.omittedArgs.add(`${parent.name}.${field.name}(${arg.name}:)`);
    },
    Argument() {
      const parent = typeInfo.getParentType();
      const field = typeInfo.getFieldDef();
      const arg = typeInfo.getArgument();
      // Directive arguments (@include(if:)) are out of scope: the diff does not compare directive definitions.
      if (typeInfo.getDirective() || !parent || !field || !arg) return;
      u.args.add(`${parent.name}.${field.name}(${arg.name}:)`);
      u.types.add(getNamedType(arg.type).name);
    },
    ObjectValue(node) {
      const type = getNamedType(typeInfo.getInputType());
      if (!isInputObjectType(type)) return;
      u.types.add(type.name);
      u.literalInputTypes.add(type.name);
      const written = new Set(node.fields.map((f) => f.name.value));
      for (const name of Object.keys(type.getFields())) if (!written.has(name)) u.omittedInputFields.add(`${type.name}.${name}`);
    },
    ObjectField(node) {
      const type = getNamedType(typeInfo.getParentInputType());
      if (isInputObjectType(type)) u.inputFields.add(`${type.name}.${node.name.value}`);
    },
    EnumValue(node) {
      const type = getNamedType(typeInfo.getInputType());
      if (!isEnumType(type)) return;
      u.types.add(type.name);
      u.enumValues.add(`${type.name}.${node.value}`);
    },
  }));
  return u;
}

/** A variable of an input object type may carry any of its fields, at any depth. */
function carried(type: GraphQLNamedType, u: Usage): void {
  if (u.variableTypes.has(type.name)) return;
  u.types.add(type.name);
  u.variableTypes.add(type.name);
  if (isInputObjectType(type)) for (const field of Object.values(type.getFields())) carried(getNamedType(field.type), u);
}

/**
 * Whether an operation with `usage` uses a breaking change:
 * - a type removed or changed in kind: any mention of it, or a selection on a union or interface that could return it;
 * - a union member removed, or an interface removed from a type: any selection on the union or interface (it could
 *   return that type before and cannot now), whichever fragments it spreads;
 * - a field removed: selected on the type, or through an interface the type implemented (a type can only drop an
 *   interface's field by leaving the interface); a field's type changed: selected on the type;
 * - an argument removed or retyped: passed, or left out where it is now required; a required argument added or a
 *   default removed: the field selected;
 * - an input field removed or retyped: written in a literal, or carried by a variable (of the input type, at any
 *   depth), or left out of a literal where it is now required; a required input field added or @oneOf added: a literal
 *   or variable of the input type; an input field's default removed: left out of a literal, or carried by a variable;
 * - an enum value removed: written, carried by a variable, or returned by a selected field.
 */
function uses(change: SchemaChange, u: Usage, after: GraphQLSchema): boolean {
  const c = change.coordinate;
  const owner = c.split('.')[0] ?? c;
  switch (change.kind) {
    case 'TYPE_REMOVED':
    case 'TYPE_KIND_CHANGED':
      return u.types.has(c) || u.reachedTypes.has(c);
    case 'FIELD_REMOVED':
      return u.fields.has(c) || u.reachedFields.has(c);
    case 'FIELD_TYPE_CHANGED':
      return u.fields.has(c);
    case 'ARG_REMOVED':
      return u.args.has(c);
    case 'ARG_TYPE_CHANGED':
      return u.args.has(c) || (u.omittedArgs.has(c) && requiredIn(after, c));
    case 'REQUIRED_ARG_ADDED':
    case 'ARG_DEFAULT_CHANGED':
      return u.fields.has(c.slice(0, c.indexOf('(')));
    case 'INPUT_FIELD_REMOVED':
      return u.inputFields.has(c) || u.variableTypes.has(owner);
    case 'INPUT_FIELD_TYPE_CHANGED':
      return u.inputFields.has(c) || u.variableTypes.has(owner) || (u.omittedInputFields.has(c) && requiredIn(after, c));
    case 'REQUIRED_INPUT_FIELD_ADDED':
    case 'ONE_OF_ADDED':
      return u.literalInputTypes.has(owner) || u.variableTypes.has(owner);
    case 'INPUT_FIELD_DEFAULT_CHANGED':
      return u.omittedInputFields.has(c) || u.variableTypes.has(owner);
    case 'ENUM_VALUE_REMOVED':
      return u.enumValues.has(c) || u.outputTypes.has(owner) || u.variableTypes.has(owner);
    case 'UNION_MEMBER_REMOVED':
      return u.reaches.has(`${c}>${change.member}`);
    case 'INTERFACE_REMOVED':
      return u.reaches.has(`${change.member}>${c}`);
    default:
      return false;
  }
}

/** Whether the argument (`T.f(a:)`) or input field (`I.x`) at `coordinate` must be given in `schema`. */
function requiredIn(schema: GraphQLSchema, coordinate: string): boolean {
  const [, typeName = '', member = '', argName] = /^([^.]+)\.([^(]+)(?:\(([^:]+):\))?$/.exec(coordinate) ?? [];
  const type = schema.getType(typeName);
  const value = isInputObjectType(type)
    ? type.getFields()[member]
    : isObjectType(type) || isInterfaceType(type) ? type.getFields()[member]?.args.find((a) => a.name === argName) : undefined;
  return value !== undefined && isNonNullType(value.type) && value.defaultValue === undefined;
}

function entry(operation: KnownOperation, changes: string[], errors: string[]): AffectedOperation {
  const { name, id, source, clientName } = operation;
  return { name, source, ...(id === undefined ? {} : { id }), ...(clientName === undefined ? {} : { clientName }), changes, errors };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
