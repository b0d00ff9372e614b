import type { Principal } from '../auth';

/** One header rule, as written in gateway.yaml (`headers.all` or `headers.subgraphs.<name>`), applied in order. */
export type HeaderRule =
  | { propagate: { named?: string; matching?: string; rename?: string; default?: string } }
  | { insert: { name: string; value?: string; fromClaim?: string } }
  | { remove: { named?: string; matching?: string } };

export interface HeaderRulesConfig {
  all: readonly HeaderRule[];
  subgraphs: Readonly<Record<string, readonly HeaderRule[]>>;
}

/**
 * Never forwarded, whatever a rule says. Hop-by-hop and framing headers belong to one connection; the
 * identity header is the gateway's to set — a client-sent copy would let the caller claim to be anyone.
 */
const NEVER = new Set([
  'connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade',
  'host', 'content-length', 'content-type', 'accept', 'accept-encoding', 'expect',
]);

/** The client request's headers (Apollo Server's HeaderMap: lower-case names). */
interface HeaderSource extends Iterable<[string, string]> {
  get(name: string): string | null | undefined;
}

export type HeaderPlanner = (clientHeaders: HeaderSource, principal: Principal | undefined, subgraph: string) => string[];

/** Compiles the rules once; the result gives each subgraph fetch its headers as a flat [name, value, …] list. */
export function compileHeaderRules(config: HeaderRulesConfig, identityHeader: string): HeaderPlanner | undefined {
  const never = new Set([...NEVER, identityHeader.toLowerCase()]);
  const compile = (rules: readonly HeaderRule[]) =>
    rules.map((rule) => {
      if ('propagate' in rule) return { ...rule, pattern: rule.propagate.matching ? new RegExp(rule.propagate.matching, 'i') : undefined };
      if ('remove' in rule) return { ...rule, pattern: rule.remove.matching ? new RegExp(rule.remove.matching, 'i') : undefined };
      return { ...rule, pattern: undefined };
    });
  const all = compile(config.all);
  const bySubgraph = new Map(Object.entries(config.subgraphs).map(([name, rules]) => [name, [...all, ...compile(rules)]]));
  if (all.length === 0 && bySubgraph.size === 0) return undefined;

  return (clientHeaders, principal, subgraph) => {
    const out = new Map<string, string>();
    for (const rule of bySubgraph.get(subgraph) ?? all) {
      if ('propagate' in rule) {
        const { named, rename, default: fallback } = rule.propagate;
        if (named) {
          const value = clientHeaders.get(named.toLowerCase()) ?? fallback;
          if (value !== undefined && value !== null) out.set((rename ?? named).toLowerCase(), value);
        } else if (rule.pattern) {
          for (const [name, value] of clientHeaders) if (rule.pattern.test(name)) out.set(name.toLowerCase(), value);
        }
      } else if ('insert' in rule) {
        const { name, value, fromClaim } = rule.insert;
        const claim = fromClaim ? principal?.claims[fromClaim] : undefined;
        const resolved = fromClaim ? (claim === undefined || claim === null ? undefined : typeof claim === 'string' ? claim : JSON.stringify(claim)) : value;
        if (resolved !== undefined) out.set(name.toLowerCase(), resolved);
      } else {
        const { named } = rule.remove;
        for (const name of [...out.keys()]) if (name === named?.toLowerCase() || rule.pattern?.test(name)) out.delete(name);
      }
    }
    const flat: string[] = [];
    for (const [name, value] of out) if (!never.has(name)) flat.push(name, value);
    return flat;
  };
}
