import { Kind, parse, print, visit, type ConstDirectiveNode, type DirectiveNode } from 'graphql';

const SECURITY_SPECS = ['authenticated', 'requiresScopes', 'policy'];

/**
 * The supergraph as stock @apollo/gateway can load it: stock refuses `for: SECURITY` features (@authenticated,
 * @requiresScopes, @policy — Apollo reserves their enforcement for its router), so the benchmark baseline and
 * the comparison tests give it the same supergraph without them. Only used where stock runs.
 */
export function withoutSecurityFeatures(supergraphSdl: string): string {
  const document = parse(supergraphSdl);
  const names = new Set<string>();
  const prefixes: string[] = [];
  const isSecurityLink = (d: ConstDirectiveNode): boolean => {
    if (d.name.value !== 'link') return false;
    const url = d.arguments?.find((a) => a.name.value === 'url')?.value;
    if (url?.kind !== Kind.STRING) return false;
    const spec = SECURITY_SPECS.find((s) => url.value.includes(`/${s}/v`));
    if (!spec) return false;
    const as = d.arguments?.find((a) => a.name.value === 'as')?.value;
    const prefix = as?.kind === Kind.STRING ? as.value : spec;
    names.add(prefix);
    prefixes.push(`${prefix}__`);
    const imports = d.arguments?.find((a) => a.name.value === 'import')?.value;
    if (imports?.kind === Kind.LIST) {
      for (const item of imports.values) {
        if (item.kind === Kind.STRING) names.add(item.value.replace(/^@/, ''));
        if (item.kind === Kind.OBJECT) {
          const alias = item.fields.find((f) => f.name.value === 'as')?.value ?? item.fields.find((f) => f.name.value === 'name')?.value;
          if (alias?.kind === Kind.STRING) names.add(alias.value.replace(/^@/, ''));
        }
      }
    }
    return true;
  };
  for (const def of document.definitions) {
    if (def.kind === Kind.SCHEMA_DEFINITION || def.kind === Kind.SCHEMA_EXTENSION) def.directives?.forEach(isSecurityLink);
  }
  const belongs = (name: string): boolean => names.has(name) || prefixes.some((p) => name.startsWith(p));
  const stripped = visit(document, {
    Directive: (node) => (belongs(node.name.value) || isSecurityLinkNode(node) ? null : undefined),
    DirectiveDefinition: (node) => (belongs(node.name.value) ? null : undefined),
    ScalarTypeDefinition: (node) => (belongs(node.name.value) ? null : undefined),
  });
  return print(stripped);

  function isSecurityLinkNode(node: DirectiveNode): boolean {
    if (node.name.value !== 'link') return false;
    const url = node.arguments?.find((a) => a.name.value === 'url')?.value;
    return url?.kind === Kind.STRING && SECURITY_SPECS.some((s) => url.value.includes(`/${s}/v`));
  }
}
