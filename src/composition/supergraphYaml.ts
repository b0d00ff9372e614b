import { z } from 'zod';
import { parseYamlWith, type Validated } from '../config/yamlDocument';

/** The schema source of one subgraph in rover's `supergraph.yaml`: exactly one of file | subgraph_url | sdl | graphref. */
export type SchemaSource =
  | { kind: 'file'; file: string }
  | { kind: 'subgraph_url'; url: string; headers: Record<string, string> }
  | { kind: 'sdl'; sdl: string }
  | { kind: 'graphref'; graphref: string; subgraph: string };

export interface SupergraphYaml {
  federationVersion: string | undefined;
  subgraphs: { name: string; routingUrl: string; schema: SchemaSource }[];
}

const schemaSource = z
  .object({
    file: z.string().min(1).optional(),
    subgraph_url: z.string().url().optional(),
    introspection_headers: z.record(z.string()).optional(),
    sdl: z.string().min(1).optional(),
    graphref: z.string().min(1).optional(),
    subgraph: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    const given = (['file', 'subgraph_url', 'sdl', 'graphref'] as const).filter((k) => s[k] !== undefined);
    if (given.length !== 1) {
      ctx.addIssue({ code: 'custom', message: `schema needs exactly one of file, subgraph_url, sdl, graphref (got ${given.length === 0 ? 'none' : given.join(', ')})` });
    }
    if (s.introspection_headers && !s.subgraph_url) {
      ctx.addIssue({ code: 'custom', message: 'introspection_headers only applies to schema.subgraph_url' });
    }
  });

const fileSchema = z
  .object({
    federation_version: z.union([z.string(), z.number()]).optional(),
    subgraphs: z.record(
      z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, 'subgraph names are letters, digits, _ and -'),
      z.object({ routing_url: z.string().url().optional(), schema: schemaSource }).strict(),
    ),
  })
  .strict();

/**
 * Reads rover's `supergraph.yaml` format. `${env.NAME}` (and `${env.NAME:-default}`) expand from `env` in
 * every string value before validation; an unset variable without a default is an error, as in rover.
 */
export function parseSupergraphYaml(text: string, fileName: string, env: Readonly<Record<string, string | undefined>>): Validated<SupergraphYaml> {
  const parsed = parseYamlWith(text, fileName, fileSchema, (raw) => expandEnv(raw, fileName, env));
  if (!parsed.ok) return parsed;
  const problems: string[] = [];
  const subgraphs: SupergraphYaml['subgraphs'] = [];
  for (const [name, entry] of Object.entries(parsed.value.subgraphs)) {
    const s = entry.schema;
    let schema: SchemaSource;
    if (s.file !== undefined) schema = { kind: 'file', file: s.file };
    else if (s.sdl !== undefined) schema = { kind: 'sdl', sdl: s.sdl };
    else if (s.subgraph_url !== undefined) schema = { kind: 'subgraph_url', url: s.subgraph_url, headers: s.introspection_headers ?? {} };
    else schema = { kind: 'graphref', graphref: s.graphref ?? '', subgraph: s.subgraph ?? name };
    const routingUrl = entry.routing_url ?? (schema.kind === 'subgraph_url' ? schema.url : undefined);
    if (!routingUrl) {
      problems.push(`${fileName}: subgraphs.${name}.routing_url is required (unless schema.subgraph_url gives it)`);
      continue;
    }
    subgraphs.push({ name, routingUrl, schema });
  }
  if (problems.length > 0) return { ok: false, problems };
  const fv = parsed.value.federation_version;
  return { ok: true, value: { federationVersion: fv === undefined ? undefined : String(fv), subgraphs } };
}

const ENV_REFERENCE = /\$\{env\.([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

function expandEnv(raw: unknown, fileName: string, env: Readonly<Record<string, string | undefined>>): Validated<unknown> {
  const problems: string[] = [];
  const walk = (value: unknown, path: string): unknown => {
    if (typeof value === 'string') {
      return value.replace(ENV_REFERENCE, (_m, name: string, fallback: string | undefined) => {
        const v = env[name] ?? fallback;
        if (v === undefined) problems.push(`${fileName}: environment variable ${name} (used at "${path}") is not set`);
        return v ?? '';
      });
    }
    if (Array.isArray(value)) return value.map((v, i) => walk(v, `${path}.${i}`));
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, path ? `${path}.${k}` : k)]));
    }
    return value;
  };
  const value = walk(raw, '');
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value };
}
