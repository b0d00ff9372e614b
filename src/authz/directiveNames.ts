import { valueFromASTUntyped, type ConstDirectiveNode, type GraphQLSchema } from 'graphql';

/** What the three authorization directives are called in one supergraph (without the `@`). */
export interface AuthorizationDirectiveNames {
  readonly authenticated: string | undefined;
  readonly requiresScopes: string | undefined;
  readonly policy: string | undefined;
}

// Composition (federation ≥ 2.5) links each directive's own spec into the supergraph, e.g.
// `@link(url: "https://specs.apollo.dev/requiresScopes/v0.1", for: SECURITY, import: [{name: "@requiresScopes", as: "@scopes"}])`.
const FEATURES = {
  authenticated: 'https://specs.apollo.dev/authenticated/',
  requiresScopes: 'https://specs.apollo.dev/requiresScopes/',
  policy: 'https://specs.apollo.dev/policy/',
} as const;

/**
 * Resolves the names through the schema's `@link`s (core schema rules): an imported directive takes its
 * import name; otherwise the directive named like the feature is `@<as ?? feature>`. A feature that is not
 * linked is absent (undefined): an unrelated directive that merely shares the name is not trusted.
 */
export function authorizationDirectiveNames(schema: GraphQLSchema): AuthorizationDirectiveNames {
  const links = [schema.astNode, ...schema.extensionASTNodes]
    .flatMap((node) => node?.directives ?? [])
    .map(argumentsOf)
    .filter((args) => typeof args.get('url') === 'string');
  const resolve = (feature: keyof typeof FEATURES): string | undefined => {
    const link = links.find((args) => (args.get('url') as string).startsWith(FEATURES[feature]));
    if (link === undefined) return undefined;
    const imported = importedName(link.get('import'), feature);
    if (imported !== undefined) return imported;
    const as = link.get('as');
    return typeof as === 'string' && as !== '' ? as : feature;
  };
  return { authenticated: resolve('authenticated'), requiresScopes: resolve('requiresScopes'), policy: resolve('policy') };
}

/** A directive application's arguments as plain values (constant: no variables in SDL). */
export function argumentsOf(directive: ConstDirectiveNode): Map<string, unknown> {
  return new Map((directive.arguments ?? []).map((arg) => [arg.name.value, valueFromASTUntyped(arg.value) as unknown]));
}

/** `import: ["@policy"]` → policy; `import: [{ name: "@requiresScopes", as: "@scopes" }]` → scopes. */
function importedName(value: unknown, feature: string): string | undefined {
  if (!Array.isArray(value)) return undefined;
  for (const entry of value as unknown[]) {
    if (typeof entry === 'string' && stripAt(entry) === feature) return feature;
    if (typeof entry === 'object' && entry !== null) {
      const { name, as } = entry as { name?: unknown; as?: unknown };
      if (typeof name === 'string' && stripAt(name) === feature) return stripAt(typeof as === 'string' ? as : name);
    }
  }
  return undefined;
}

function stripAt(name: string): string {
  return name.startsWith('@') ? name.slice(1) : name;
}
