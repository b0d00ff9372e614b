import type { ZodTypeAny } from 'zod';

/**
 * Reading a zod schema's own description of itself (zod 3's `_def`): what configuration errors say a key
 * expects (expectedType.ts) and what the generated configuration reference lists (reference/schemaRows.ts).
 */
export interface Def {
  typeName: string;
  description?: string;
  innerType?: ZodTypeAny;
  schema?: ZodTypeAny;
  defaultValue?: () => unknown;
  checks?: { kind: string; value?: number; inclusive?: boolean }[];
  values?: readonly string[];
  value?: unknown;
  options?: ZodTypeAny[];
  type?: ZodTypeAny;
  valueType?: ZodTypeAny;
  shape?: () => Record<string, ZodTypeAny>;
}

export const defOf = (schema: ZodTypeAny): Def => schema._def as Def;

export interface Unwrapped {
  /** The schema under its wrappers (default, optional, nullable, refinements). */
  core: ZodTypeAny;
  /** The outermost description. */
  description: string | undefined;
  /** The outermost default, when `hasDefault`. */
  defaultValue: unknown;
  hasDefault: boolean;
}

export function unwrap(schema: ZodTypeAny): Unwrapped {
  let current = schema;
  let description: string | undefined;
  let defaultValue: unknown;
  let hasDefault = false;
  for (;;) {
    const def = defOf(current);
    description ??= def.description;
    if (def.typeName === 'ZodDefault' && def.innerType) {
      if (!hasDefault) defaultValue = def.defaultValue?.();
      hasDefault = true;
      current = def.innerType;
    } else if ((def.typeName === 'ZodOptional' || def.typeName === 'ZodNullable') && def.innerType) current = def.innerType;
    else if (def.typeName === 'ZodEffects' && def.schema) current = def.schema;
    else return { core: current, description, defaultValue, hasDefault };
  }
}

/** A number schema's bounds: whether it must be an integer, and its lower and upper bound, each inclusive or not. */
export function numberBounds(def: Def): { int: boolean; min?: { value: number; inclusive: boolean }; max?: { value: number; inclusive: boolean } } {
  const bounds: ReturnType<typeof numberBounds> = { int: def.checks?.some((c) => c.kind === 'int') ?? false };
  for (const c of def.checks ?? []) {
    if (c.kind === 'min' && c.value !== undefined) bounds.min = { value: c.value, inclusive: c.inclusive !== false };
    if (c.kind === 'max' && c.value !== undefined) bounds.max = { value: c.value, inclusive: c.inclusive !== false };
  }
  return bounds;
}
