import type { ZodIssue, ZodTypeAny } from 'zod';
import { defOf, numberBounds, unwrap, type Def } from './zodSchema';

/** The schema of the value at `path`, if the schema says. */
export function schemaAt(schema: ZodTypeAny, path: readonly (string | number)[]): ZodTypeAny | undefined {
  let current: ZodTypeAny | undefined = schema;
  for (const segment of path) {
    if (!current) return undefined;
    const def = defOf(unwrap(current).core);
    if (def.typeName === 'ZodObject') current = def.shape?.()[String(segment)];
    else if (def.typeName === 'ZodRecord') current = def.valueType;
    else if (def.typeName === 'ZodArray') current = def.type;
    else if (def.typeName === 'ZodUnion') current = def.options?.map((o) => schemaAt(o, [segment])).find((s) => s !== undefined);
    else return undefined;
  }
  return current;
}

function numberExpected(def: Def): string {
  const bounds = numberBounds(def);
  const int = bounds.int;
  const min = bounds.min && (bounds.min.inclusive || !int ? bounds.min.value : bounds.min.value + 1);
  const max = bounds.max?.value;
  const noun = int ? 'integer' : 'number';
  if (min !== undefined && max !== undefined) return `${int ? 'an integer' : 'a number'} from ${min} to ${max}`;
  if (min === 1 && int) return 'a positive integer';
  if (min !== undefined) return `${int ? 'an integer' : 'a number'} ≥ ${min}`;
  if (max !== undefined) return `${int ? 'an integer' : 'a number'} ≤ ${max}`;
  return `a ${noun}`;
}

/** What a value must be, in words ("a positive integer", "one of enforce, measure"). */
export function expectedOf(schema: ZodTypeAny): string {
  const def = defOf(unwrap(schema).core);
  switch (def.typeName) {
    case 'ZodNumber':
      return numberExpected(def);
    case 'ZodString':
      return def.checks?.some((c) => c.kind === 'url') ? 'a URL' : 'a string';
    case 'ZodBoolean':
      return 'true or false';
    case 'ZodEnum':
      return `one of ${(def.values ?? []).join(', ')}`;
    case 'ZodLiteral':
      return JSON.stringify(def.value);
    case 'ZodUnion':
      return (def.options ?? []).map(expectedOf).join(' or ');
    case 'ZodArray':
      return 'a list';
    case 'ZodObject':
      return `a mapping (${Object.keys(def.shape?.() ?? {}).join(', ')})`;
    case 'ZodRecord':
      return 'a mapping of names';
    default:
      return 'another value';
  }
}

/** Issues whose own message is clearer than "expected …" (refinements, patterns, required keys). */
const OWN_MESSAGE = new Set(['custom', 'invalid_string', 'unrecognized_keys']);

/** `expected <what the schema wants>, got <the value written>`, or the issue's own message where it says more. */
export function explainIssue(issue: ZodIssue, schema: ZodTypeAny, value: unknown): string {
  if (OWN_MESSAGE.has(issue.code)) return issue.message;
  const target = schemaAt(schema, issue.path);
  if (!target) return issue.message;
  if (value === undefined) return `missing: expected ${expectedOf(target)}`;
  return `expected ${expectedOf(target)}, got ${JSON.stringify(value)}`;
}

/** The value at `path` of parsed YAML. */
export function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let current = root;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[String(segment)];
  }
  return current;
}
