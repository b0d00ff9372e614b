import type { ErrorCode } from '../../errors';

/** `limits.variables`. */
export interface VariableBounds {
  /** Deepest nesting of lists and objects in one variable's value (`[[1]]` is 2). */
  maxDepth: number;
  /** Most values in all the variables together: each scalar, list and object counts one. */
  maxValues: number;
}

export interface VariablesRefusal {
  code: Extract<ErrorCode, 'VARIABLES_TOO_DEEP' | 'VARIABLES_TOO_LARGE'>;
  message: string;
}

/**
 * Stack exhaustion and CPU amplification through variables: `{"x":[[[…300000 deep…]]]}` overflows every
 * recursive walk of the value (cache keys, coercion, serialization to subgraphs), and a body of tiny values
 * multiplies the work of each of them. This walk is iterative (an explicit stack) and stops at the first
 * bound crossed, so its own cost is at most `maxValues` steps whatever it is given. `variables` is the
 * parsed JSON of a request (anything but an object or a list passes: Apollo Server refuses those itself).
 */
export function checkVariables(variables: unknown, bounds: VariableBounds): VariablesRefusal | undefined {
  if (variables === null || typeof variables !== 'object') return undefined;
  let values = 0;
  let level = 0;
  // The variables object is level 0: a variable's own list or object is level 1.
  const stack: Array<{ container: object; level: number }> = [{ container: variables, level }];
  const visit = (member: unknown): VariablesRefusal | undefined => {
    if (++values > bounds.maxValues) return { code: 'VARIABLES_TOO_LARGE', message: `Variables hold more than limits.variables.maxValues (${bounds.maxValues}) values.` };
    if (member === null || typeof member !== 'object') return undefined;
    if (level + 1 > bounds.maxDepth) return { code: 'VARIABLES_TOO_DEEP', message: `Variables nest deeper than limits.variables.maxDepth (${bounds.maxDepth}).` };
    stack.push({ container: member, level: level + 1 });
    return undefined;
  };
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    level = top.level;
    let refusal: VariablesRefusal | undefined;
    if (Array.isArray(top.container)) {
      for (const member of top.container) if ((refusal = visit(member))) return refusal;
    } else {
      // for…in rather than Object.values: no copy of a huge object's members before the count stops.
      for (const key in top.container) if ((refusal = visit((top.container as Record<string, unknown>)[key]))) return refusal;
    }
  }
  return undefined;
}
