import {
  Kind,
  valueFromASTUntyped,
  type DirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
} from 'graphql';

/** Variable values as execution sees them; no prototype, so `$constructor` reads nothing inherited. */
export type VariableValues = Readonly<Record<string, unknown>>;

export interface OperationContext {
  readonly operation: OperationDefinitionNode;
  readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  readonly variables: VariableValues;
}

/** The named operation (or the only one), its fragments and its variables; undefined when there is no such operation. */
export function operationContext(
  document: DocumentNode,
  operationName: string | undefined,
  supplied: Readonly<Record<string, unknown>>,
): OperationContext | undefined {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation =
    operationName === undefined
      ? operations.length === 1 ? operations[0] : undefined
      : operations.find((op) => op.name?.value === operationName);
  if (operation === undefined) return undefined;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  return { operation, fragments, variables: effectiveVariables(operation, supplied) };
}

/** Supplied values, else each variable definition's default (a variable with neither stays absent). */
function effectiveVariables(operation: OperationDefinitionNode, supplied: Readonly<Record<string, unknown>>): VariableValues {
  const values = Object.create(null) as Record<string, unknown>;
  // Typed as a record, but it is the request's JSON: a plain-JS caller may pass anything.
  const given: unknown = supplied;
  const isObject = typeof given === 'object' && given !== null;
  for (const def of operation.variableDefinitions ?? []) {
    const name = def.variable.name.value;
    if (isObject && Object.prototype.hasOwnProperty.call(given, name)) values[name] = (given as Record<string, unknown>)[name];
    else if (def.defaultValue !== undefined) values[name] = valueFromASTUntyped(def.defaultValue);
  }
  return values;
}

/**
 * The value a resolver would get for argument `name`: undefined when the operation does not supply
 * it (absent, or a variable with no value and no default), so the schema's default applies.
 */
export function suppliedArgument(node: FieldNode, name: string, variables: VariableValues): unknown {
  const arg = node.arguments?.find((a) => a.name.value === name);
  if (arg === undefined) return undefined;
  if (arg.value.kind === Kind.VARIABLE && !(arg.value.name.value in variables)) return undefined;
  return valueFromASTUntyped(arg.value, variables);
}

/**
 * `@skip` / `@include` as execution applies them. A condition that cannot be read (a variable that
 * was not supplied) counts as included: the estimate should err on the expensive side.
 */
export function isIncluded(directives: readonly DirectiveNode[] | undefined, variables: VariableValues): boolean {
  for (const directive of directives ?? []) {
    const name = directive.name.value;
    if (name !== 'skip' && name !== 'include') continue;
    const arg = directive.arguments?.find((a) => a.name.value === 'if');
    const value = arg === undefined ? undefined : valueFromASTUntyped(arg.value, variables);
    if (name === 'skip' && value === true) return false;
    if (name === 'include' && value === false) return false;
  }
  return true;
}
