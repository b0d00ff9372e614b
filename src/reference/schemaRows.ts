import type { ZodTypeAny } from 'zod';
import { defOf, numberBounds, unwrap, type Def } from '../config/zodSchema';

/** One documented key of a zod schema: its dotted path, the type as a reader writes it, its default, its description. */
export interface SchemaRow {
  readonly path: string;
  readonly type: string;
  /** The default as YAML would spell it; undefined: none (or it depends on the environment, as the description says). */
  readonly defaultValue: string | undefined;
  readonly description: string | undefined;
  /** A section (an object with keys of its own) rather than a leaf. */
  readonly section: boolean;
}

/** Defaults that live outside the schema (e.g. `subgraphs.<name>` settings merged in loadConfig), by row path. */
export type ExternalDefaults = Readonly<Record<string, unknown>>;

const isObject = (schema: ZodTypeAny) => defOf(schema).typeName === 'ZodObject';
const shapeOf = (schema: ZodTypeAny) => defOf(schema).shape?.() ?? {};

function numberType(def: Def): string {
  const bounds = numberBounds(def);
  let min = bounds.min && `${bounds.min.inclusive ? '≥' : '>'} ${bounds.min.value}`;
  const max = bounds.max && `${bounds.max.inclusive ? '≤' : '<'} ${bounds.max.value}`;
  const base = bounds.int ? 'integer' : 'number';
  if (min === '> 0' && bounds.int) min = '≥ 1';
  const parts = [min, max].filter((b) => b !== undefined);
  return parts.length === 0 ? base : `${base} ${parts.join(', ')}`;
}

function stringType(def: Def): string {
  const kinds = new Set((def.checks ?? []).map((c) => c.kind));
  if (kinds.has('url')) return 'URL';
  if (kinds.has('ip')) return 'IP address';
  return 'string';
}

/** The type of a value as a reader of gateway.yaml writes it. */
export function typeOf(schema: ZodTypeAny): string {
  const { core } = unwrap(schema);
  const def = defOf(core);
  switch (def.typeName) {
    case 'ZodString':
      return stringType(def);
    case 'ZodNumber':
      return numberType(def);
    case 'ZodBoolean':
      return 'boolean';
    case 'ZodEnum':
      return (def.values ?? []).map((v) => `\`${v}\``).join(' \\| ');
    case 'ZodLiteral':
      return `\`${String(def.value)}\``;
    case 'ZodUnion':
      return (def.options ?? []).map(typeOf).join(' or ');
    case 'ZodArray':
      return def.type ? `list of ${typeOf(def.type)}` : 'list';
    case 'ZodRecord':
      return def.valueType ? `map of name → ${typeOf(def.valueType)}` : 'map';
    case 'ZodObject':
      return `{ ${Object.keys(shapeOf(core)).join(', ')} }`;
    case 'ZodUnknown':
    case 'ZodAny':
      return 'any';
    default:
      return def.typeName.replace(/^Zod/, '').toLowerCase();
  }
}

const KIB = 1024;
/** A default as written in gateway.yaml; byte sizes also in KiB/MiB. */
export function formatDefault(path: string, value: unknown): string {
  if (typeof value === 'number' && /Bytes$/.test(path) && value >= KIB && value % KIB === 0) {
    const unit = value % (KIB * KIB) === 0 ? `${value / (KIB * KIB)} MiB` : `${value / KIB} KiB`;
    return `\`${value}\` (${unit})`;
  }
  if (Array.isArray(value)) return `\`[${value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ')}]\``;
  if (typeof value === 'string') return value === '' ? '`""`' : `\`${value}\``;
  return `\`${JSON.stringify(value)}\``;
}

function externalDefault(external: ExternalDefaults, path: string): { found: boolean; value: unknown } {
  for (const [prefix, defaults] of Object.entries(external)) {
    if (!path.startsWith(`${prefix}.`)) continue;
    let value: unknown = defaults;
    for (const key of path.slice(prefix.length + 1).split('.')) {
      if (value === null || typeof value !== 'object' || !(key in value)) return { found: false, value: undefined };
      value = (value as Record<string, unknown>)[key];
    }
    return { found: true, value };
  }
  return { found: false, value: undefined };
}

/**
 * Every key of an object schema, depth first in declaration order: sections (objects, objects inside maps and
 * lists) get a row of their own and their keys follow with the full dotted path (`<name>` for a map key,
 * `[]` for a list item).
 */
export function schemaRows(schema: ZodTypeAny, external: ExternalDefaults = {}, prefix = ''): SchemaRow[] {
  const rows: SchemaRow[] = [];
  for (const [key, child] of Object.entries(shapeOf(unwrap(schema).core))) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    const { core, description, defaultValue, hasDefault } = unwrap(child);
    const def = defOf(core);
    const ext = externalDefault(external, path);
    const nested = isObject(core) ? { schema: core, path } : nestedItem(def, path);
    let documentedDefault: string | undefined;
    if (!isObject(core) && hasDefault && !isEmptyObject(defaultValue)) documentedDefault = formatDefault(path, defaultValue);
    else if (!isObject(core) && !hasDefault && ext.found && !isEmptyObject(ext.value)) documentedDefault = formatDefault(path, ext.value);
    rows.push({ path, type: isObject(core) ? 'section' : typeOf(child), defaultValue: documentedDefault, description, section: nested !== undefined });
    if (nested) rows.push(...schemaRows(nested.schema, external, nested.path));
  }
  return rows;
}

/** The object schema a map or list holds, with the path segment its keys are written under. */
function nestedItem(def: Def, path: string): { schema: ZodTypeAny; path: string } | undefined {
  if (def.typeName === 'ZodRecord' && def.valueType && isObject(unwrap(def.valueType).core)) return { schema: unwrap(def.valueType).core, path: `${path}.<name>` };
  if (def.typeName === 'ZodArray' && def.type && isObject(unwrap(def.type).core)) return { schema: unwrap(def.type).core, path: `${path}[]` };
  return undefined;
}

const isEmptyObject = (value: unknown) => value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0;
