import {
  astFromValue,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isIntrospectionType,
  isListType,
  isNonNullType,
  isObjectType,
  isSpecifiedScalarType,
  isUnionType,
  Kind,
  print,
  type GraphQLArgument,
  type GraphQLFieldMap,
  type GraphQLInputField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type GraphQLType,
  type ValueNode,
} from 'graphql';

/**
 * What changed, at which schema coordinate. The classification follows graphql-js `findBreakingChanges`, made
 * structured; `breaking` means an operation that was valid before may now fail validation or get data of another
 * shape. Breaking:
 *   TYPE_REMOVED, TYPE_KIND_CHANGED, FIELD_REMOVED, FIELD_TYPE_CHANGED (unless only made non-null, at any list
 *   depth: `T` → `T!`, `[T]` → `[T!]!`), ARG_REMOVED, ARG_TYPE_CHANGED (unless only made nullable: `T!` → `T`),
 *   REQUIRED_ARG_ADDED, INPUT_FIELD_REMOVED, INPUT_FIELD_TYPE_CHANGED (unless only made nullable),
 *   REQUIRED_INPUT_FIELD_ADDED, ARG_DEFAULT_CHANGED / INPUT_FIELD_DEFAULT_CHANGED when removing the default of a
 *   non-null value makes it required, ENUM_VALUE_REMOVED, UNION_MEMBER_REMOVED, INTERFACE_REMOVED, ONE_OF_ADDED.
 * Safe (reported): additions, other default changes, deprecations and their removal, nullable/non-null changes in the
 * safe direction, ONE_OF_REMOVED. ENUM_VALUE_ADDED to an enum that fields return, and UNION_MEMBER_ADDED, are safe but
 * their descriptions say "dangerous": a client switching exhaustively over the values or members may not cope.
 * Not reported: descriptions, deprecation reasons, directive definitions and directives, built-in scalars (they
 * come and go with their last use), which type a root operation type is (API schemas name them Query, Mutation and
 * Subscription; a root type removed is a TYPE_REMOVED).
 */
export type ChangeKind =
  | 'TYPE_REMOVED' | 'TYPE_ADDED' | 'TYPE_KIND_CHANGED'
  | 'FIELD_REMOVED' | 'FIELD_ADDED' | 'FIELD_TYPE_CHANGED' | 'FIELD_DEPRECATED' | 'FIELD_DEPRECATION_REMOVED'
  | 'ARG_REMOVED' | 'ARG_ADDED' | 'REQUIRED_ARG_ADDED' | 'ARG_TYPE_CHANGED' | 'ARG_DEFAULT_CHANGED'
  | 'ARG_DEPRECATED' | 'ARG_DEPRECATION_REMOVED'
  | 'INPUT_FIELD_REMOVED' | 'INPUT_FIELD_ADDED' | 'REQUIRED_INPUT_FIELD_ADDED' | 'INPUT_FIELD_TYPE_CHANGED'
  | 'INPUT_FIELD_DEFAULT_CHANGED' | 'INPUT_FIELD_DEPRECATED' | 'INPUT_FIELD_DEPRECATION_REMOVED'
  | 'ENUM_VALUE_REMOVED' | 'ENUM_VALUE_ADDED' | 'ENUM_VALUE_DEPRECATED' | 'ENUM_VALUE_DEPRECATION_REMOVED'
  | 'UNION_MEMBER_REMOVED' | 'UNION_MEMBER_ADDED'
  | 'INTERFACE_REMOVED' | 'INTERFACE_ADDED'
  | 'ONE_OF_ADDED' | 'ONE_OF_REMOVED';

export interface SchemaChange {
  kind: ChangeKind;
  /** 'Product', 'Product.price', 'Query.product(upc:)', 'ReviewInput.body', 'Color.RED'. */
  coordinate: string;
  breaking: boolean;
  description: string;
  /** UNION_MEMBER_*: the member type; INTERFACE_*: the interface (the coordinate is the implementing type). */
  member?: string;
}

/** The client-facing changes from `before` to `after` (API schemas), sorted by coordinate, then kind. */
export function diffSchemas(before: GraphQLSchema, after: GraphQLSchema): SchemaChange[] {
  const changes: SchemaChange[] = [];
  const add: Add = (kind, coordinate, breaking, description, member) =>
    changes.push(member === undefined ? { kind, coordinate, breaking, description } : { kind, coordinate, breaking, description, member });
  const oldTypes = clientTypes(before);
  const newTypes = clientTypes(after);
  const returnedEnums = enumsReturnedByFields(after);
  for (const [name, old] of oldTypes) {
    const now = newTypes.get(name);
    if (!now) add('TYPE_REMOVED', name, true, `Type "${name}" was removed.`);
    else if (kindOf(old) !== kindOf(now)) add('TYPE_KIND_CHANGED', name, true, `Type "${name}" changed from ${kindOf(old)} to ${kindOf(now)}.`);
    else diffType(old, now, returnedEnums.has(name), add);
  }
  for (const name of newTypes.keys()) if (!oldTypes.has(name)) add('TYPE_ADDED', name, false, `Type "${name}" was added.`);
  return changes.sort(compareChanges);
}

type Add = (kind: ChangeKind, coordinate: string, breaking: boolean, description: string, member?: string) => void;

/** Two definitions of one type name, of the same kind. */
function diffType(old: GraphQLNamedType, now: GraphQLNamedType, returned: boolean, add: Add): void {
  const name = old.name;
  if ((isObjectType(old) || isInterfaceType(old)) && (isObjectType(now) || isInterfaceType(now))) {
    diffNames(old.getInterfaces(), now.getInterfaces(), (i) => add('INTERFACE_REMOVED', name, true, `Type "${name}" no longer implements interface "${i}".`, i),
      (i) => add('INTERFACE_ADDED', name, false, `Type "${name}" now implements interface "${i}".`, i));
    diffFields(name, old.getFields(), now.getFields(), add);
  } else if (isUnionType(old) && isUnionType(now)) {
    diffNames(old.getTypes(), now.getTypes(), (m) => add('UNION_MEMBER_REMOVED', name, true, `Type "${m}" was removed from union "${name}".`, m),
      (m) => add('UNION_MEMBER_ADDED', name, false, `Type "${m}" was added to union "${name}"; dangerous: clients that switch exhaustively on __typename may not handle it.`, m));
  } else if (isEnumType(old) && isEnumType(now)) {
    const news = new Map(now.getValues().map((v) => [v.name, v]));
    for (const was of old.getValues()) {
      const coordinate = `${name}.${was.name}`;
      const is = news.get(was.name);
      if (!is) add('ENUM_VALUE_REMOVED', coordinate, true, `Enum value "${coordinate}" was removed.`);
      else deprecation('ENUM_VALUE', 'Enum value', coordinate, was.deprecationReason, is.deprecationReason, add);
    }
    // Input-only enums take new values safely; a client reading one may meet a value it has no branch for.
    const dangerous = returned ? `; dangerous: fields return "${name}", and clients that switch exhaustively over it may not handle the new value` : '';
    for (const value of news.keys()) if (!old.getValue(value)) add('ENUM_VALUE_ADDED', `${name}.${value}`, false, `Enum value "${name}.${value}" was added${dangerous}.`);
  } else if (isInputObjectType(old) && isInputObjectType(now)) {
    if (!old.isOneOf && now.isOneOf) add('ONE_OF_ADDED', name, true, `Input type "${name}" is now @oneOf: exactly one field must be given.`);
    if (old.isOneOf && !now.isOneOf) add('ONE_OF_REMOVED', name, false, `Input type "${name}" is no longer @oneOf.`);
    diffInputValues('INPUT_FIELD', 'Input field', (f) => `${name}.${f}`, Object.values(old.getFields()), Object.values(now.getFields()), add);
  }
}

function diffFields(type: string, olds: GraphQLFieldMap<unknown, unknown>, news: GraphQLFieldMap<unknown, unknown>, add: Add): void {
  for (const [name, old] of Object.entries(olds)) {
    const coordinate = `${type}.${name}`;
    const now = news[name];
    if (!now) {
      add('FIELD_REMOVED', coordinate, true, `Field "${coordinate}" was removed.`);
      continue;
    }
    if (String(old.type) !== String(now.type)) {
      const safe = isSafeOutputChange(old.type, now.type);
      add('FIELD_TYPE_CHANGED', coordinate, !safe, `Field "${coordinate}" changed type from "${old.type}" to "${now.type}"${safe ? ' (safe: now non-null)' : ''}.`);
    }
    deprecation('FIELD', 'Field', coordinate, old.deprecationReason, now.deprecationReason, add);
    diffInputValues('ARG', 'Argument', (a) => `${coordinate}(${a}:)`, old.args, now.args, add);
  }
  for (const name of Object.keys(news)) if (!(name in olds)) add('FIELD_ADDED', `${type}.${name}`, false, `Field "${type}.${name}" was added.`);
}

/** Arguments and input fields: values a client writes, so a change is safe when it accepts everything it did. */
function diffInputValues<P extends 'ARG' | 'INPUT_FIELD'>(
  prefix: P,
  label: string,
  coordinateOf: (name: string) => string,
  olds: ReadonlyArray<GraphQLArgument | GraphQLInputField>,
  news: ReadonlyArray<GraphQLArgument | GraphQLInputField>,
  add: Add,
): void {
  const byName = new Map(news.map((v) => [v.name, v]));
  for (const old of olds) {
    const coordinate = coordinateOf(old.name);
    const now = byName.get(old.name);
    if (!now) {
      add(`${prefix}_REMOVED`, coordinate, true, `${label} "${coordinate}" was removed.`);
      continue;
    }
    if (String(old.type) !== String(now.type)) {
      const safe = isSafeInputChange(old.type, now.type);
      add(`${prefix}_TYPE_CHANGED`, coordinate, !safe, `${label} "${coordinate}" changed type from "${old.type}" to "${now.type}"${safe ? ' (safe: now nullable)' : ''}.`);
    }
    const was = defaultOf(old);
    const is = defaultOf(now);
    if (was !== is) {
      // `first: Int! = 5` → `first: Int!`: operations that leave the argument out stop validating.
      const nowRequired = is === undefined && was !== undefined && isNonNullType(now.type);
      const what = was === undefined ? `gained default value ${is}` : is === undefined ? `lost default value ${was}` : `changed default value from ${was} to ${is}`;
      add(`${prefix}_DEFAULT_CHANGED`, coordinate, nowRequired, `${label} "${coordinate}" ${what}${nowRequired ? ' and is now required' : ''}.`);
    }
    deprecation(prefix, label, coordinate, old.deprecationReason, now.deprecationReason, add);
  }
  const oldNames = new Set(olds.map((v) => v.name));
  for (const now of news) {
    if (oldNames.has(now.name)) continue;
    const coordinate = coordinateOf(now.name);
    // Required: non-null without a default (graphql's isRequiredArgument / isRequiredInputField).
    if (isNonNullType(now.type) && now.defaultValue === undefined) add(`REQUIRED_${prefix}_ADDED`, coordinate, true, `Required ${label.toLowerCase()} "${coordinate}" was added.`);
    else add(`${prefix}_ADDED`, coordinate, false, `Optional ${label.toLowerCase()} "${coordinate}" was added.`);
  }
}

function deprecation(prefix: 'FIELD' | 'ARG' | 'INPUT_FIELD' | 'ENUM_VALUE', label: string, coordinate: string, was: unknown, is: unknown, add: Add): void {
  if (was == null && is != null) add(`${prefix}_DEPRECATED`, coordinate, false, `${label} "${coordinate}" was deprecated: ${String(is)}`);
  if (was != null && is == null) add(`${prefix}_DEPRECATION_REMOVED`, coordinate, false, `${label} "${coordinate}" is no longer deprecated.`);
}

function diffNames(olds: ReadonlyArray<{ name: string }>, news: ReadonlyArray<{ name: string }>, removed: (name: string) => void, added: (name: string) => void): void {
  const oldNames = new Set(olds.map((t) => t.name));
  const newNames = new Set(news.map((t) => t.name));
  for (const name of oldNames) if (!newNames.has(name)) removed(name);
  for (const name of newNames) if (!oldNames.has(name)) added(name);
}

/** An output may only get stricter: every value a client could receive before it can still receive (graphql-js). */
function isSafeOutputChange(old: GraphQLType, now: GraphQLType): boolean {
  if (isListType(old)) return (isListType(now) && isSafeOutputChange(old.ofType, now.ofType)) || (isNonNullType(now) && isSafeOutputChange(old, now.ofType));
  if (isNonNullType(old)) return isNonNullType(now) && isSafeOutputChange(old.ofType, now.ofType);
  return (!isListType(now) && !isNonNullType(now) && now.name === old.name) || (isNonNullType(now) && isSafeOutputChange(old, now.ofType));
}

/** An input may only get looser: every value a client could send before is still accepted (graphql-js). */
function isSafeInputChange(old: GraphQLType, now: GraphQLType): boolean {
  if (isListType(old)) return isListType(now) && isSafeInputChange(old.ofType, now.ofType);
  if (isNonNullType(old)) return (isNonNullType(now) && isSafeInputChange(old.ofType, now.ofType)) || (!isNonNullType(now) && isSafeInputChange(old.ofType, now));
  return !isListType(now) && !isNonNullType(now) && now.name === old.name;
}

/** The default as GraphQL prints it, object fields sorted: reordering a default's fields is no change. */
function defaultOf(value: GraphQLArgument | GraphQLInputField): string | undefined {
  if (value.defaultValue === undefined) return undefined;
  try {
    const ast = astFromValue(value.defaultValue, value.type);
    return ast ? print(sorted(ast)) : 'null';
  } catch {
    // A custom scalar's default that graphql cannot turn back into a literal (a JSON object, say).
    return JSON.stringify(value.defaultValue);
  }
}

function sorted(node: ValueNode): ValueNode {
  if (node.kind === Kind.LIST) return { ...node, values: node.values.map(sorted) };
  if (node.kind !== Kind.OBJECT) return node;
  const fields = [...node.fields].sort((a, b) => compare(a.name.value, b.name.value)).map((f) => ({ ...f, value: sorted(f.value) }));
  return { ...node, fields };
}

function clientTypes(schema: GraphQLSchema): Map<string, GraphQLNamedType> {
  const types = Object.values(schema.getTypeMap()).filter((t) => !isIntrospectionType(t) && !isSpecifiedScalarType(t));
  return new Map(types.map((t) => [t.name, t]));
}

function enumsReturnedByFields(schema: GraphQLSchema): Set<string> {
  const enums = new Set<string>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (isIntrospectionType(type) || !(isObjectType(type) || isInterfaceType(type))) continue;
    for (const field of Object.values(type.getFields())) {
      const named = getNamedType(field.type);
      if (isEnumType(named)) enums.add(named.name);
    }
  }
  return enums;
}

function kindOf(type: GraphQLNamedType): string {
  if (isObjectType(type)) return 'object';
  if (isInterfaceType(type)) return 'interface';
  if (isUnionType(type)) return 'union';
  if (isEnumType(type)) return 'enum';
  if (isInputObjectType(type)) return 'input object';
  return 'scalar';
}

function compareChanges(a: SchemaChange, b: SchemaChange): number {
  return compare(a.coordinate, b.coordinate) || compare(a.kind, b.kind) || compare(a.member ?? '', b.member ?? '');
}

/** Code-unit order, not localeCompare: the same on every machine. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
