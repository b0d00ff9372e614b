import type { FieldNode, GraphQLField } from 'graphql';
import { toSize } from './arithmetic';
import { suppliedArgument, type VariableValues } from './operation';
import type { ListSizeInfo } from './types';

export interface ListSizeOutcome {
  /** From the slicing arguments, else `assumedSize`; undefined when neither says anything. */
  readonly size: number | undefined;
  /** Why `requireOneSlicingArgument` is violated, if it is. */
  readonly violation: string | undefined;
}

/**
 * Sizes a `@listSize` field for one field selection. A slicing argument counts as given when the
 * operation supplies a number for it (literal, variable, or the variable's default); one the
 * operation leaves out contributes its schema default. The size is the largest of those values
 * (the client may get the largest). `requireOneSlicingArgument`: more than one given is a violation,
 * and so is none given unless a schema default stands in (as IBM's spec allows).
 */
export function listSizeFor(
  info: ListSizeInfo,
  coordinate: string,
  field: GraphQLField<unknown, unknown>,
  node: FieldNode,
  variables: VariableValues,
): ListSizeOutcome {
  const given: number[] = [];
  const defaults: number[] = [];
  for (const path of info.slicingArguments) {
    const [argName = '', ...inner] = path.split('.');
    const supplied = suppliedArgument(node, argName, variables);
    if (supplied !== undefined) {
      const size = toSize(follow(supplied, inner));
      if (size !== undefined) given.push(size);
      continue;
    }
    const size = toSize(follow(field.args.find((a) => a.name === argName)?.defaultValue, inner));
    if (size !== undefined) defaults.push(size);
  }
  const all = [...given, ...defaults];
  const size = all.length > 0 ? Math.max(...all) : info.assumedSize;
  let violation: string | undefined;
  if (info.requireOneSlicingArgument && info.slicingArguments.length > 0) {
    const expected = `exactly one of the slicing arguments ${info.slicingArguments.map((a) => `"${a}"`).join(', ')}`;
    if (given.length > 1) violation = `Field "${coordinate}" requires ${expected}, but ${given.length} were given.`;
    else if (given.length === 0 && defaults.length === 0) violation = `Field "${coordinate}" requires ${expected}, but none was given.`;
  }
  return { size, violation };
}

/** `filter.max` style slicing arguments point into an input object value. */
function follow(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || !Object.prototype.hasOwnProperty.call(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
