import { valueFromASTUntyped, type ConstDirectiveNode, type GraphQLSchema } from 'graphql';

/** What the cost directives are called in one schema (without the `@`). */
export interface CostDirectiveNames {
  readonly cost: string;
  readonly listSize: string;
}

// Composition writes `@link(url: "https://specs.apollo.dev/cost/v0.1", ...)` into the supergraph;
// a subgraph schema gets them from the federation spec (≥ 2.9) instead.
const FEATURES = [
  { identity: 'https://specs.apollo.dev/cost/', name: 'cost' },
  { identity: 'https://specs.apollo.dev/federation/', name: 'federation' },
] as const;

/**
 * Resolves the names through the schema's `@link`s (core schema rules): an imported directive
 * takes its import name (`{ name: "@cost", as: "@price" }` → `price`); otherwise it is namespaced,
 * `@<as ?? feature>__<name>`, except the directive named like the feature, which is `@<as ?? feature>`.
 * A schema with no such link but its own `@cost` definition (a plain IBM-style schema) uses the plain names.
 */
export function costDirectiveNames(schema: GraphQLSchema): CostDirectiveNames | undefined {
  const schemaDirectives = [schema.astNode, ...schema.extensionASTNodes].flatMap((node) => node?.directives ?? []);
  for (const feature of FEATURES) {
    for (const directive of schemaDirectives) {
      const args = argumentsOf(directive);
      const url = args.get('url');
      if (typeof url !== 'string' || !url.startsWith(feature.identity)) continue;
      const as = args.get('as');
      const prefix = typeof as === 'string' && as !== '' ? as : feature.name;
      const imports = importsOf(args.get('import'));
      const resolve = (name: string): string =>
        imports.get(name) ?? (name === feature.name ? prefix : `${prefix}__${name}`);
      return { cost: resolve('cost'), listSize: resolve('listSize') };
    }
  }
  if (schema.getDirective('cost') !== undefined) return { cost: 'cost', listSize: 'listSize' };
  return undefined;
}

/** A directive application's arguments as plain values (they are constant: no variables in SDL). */
export function argumentsOf(directive: ConstDirectiveNode): Map<string, unknown> {
  return new Map((directive.arguments ?? []).map((arg) => [arg.name.value, valueFromASTUntyped(arg.value) as unknown]));
}

/** `import: ["@listSize", { name: "@cost", as: "@price" }]` → listSize→listSize, cost→price. */
function importsOf(value: unknown): Map<string, string> {
  const imports = new Map<string, string>();
  if (!Array.isArray(value)) return imports;
  for (const entry of value as unknown[]) {
    if (typeof entry === 'string') {
      imports.set(stripAt(entry), stripAt(entry));
    } else if (typeof entry === 'object' && entry !== null) {
      const { name, as } = entry as { name?: unknown; as?: unknown };
      if (typeof name === 'string') imports.set(stripAt(name), stripAt(typeof as === 'string' ? as : name));
    }
  }
  return imports;
}

function stripAt(name: string): string {
  return name.startsWith('@') ? name.slice(1) : name;
}
