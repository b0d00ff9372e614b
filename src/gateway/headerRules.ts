import type { Principal } from '../auth';
import type { HeaderRule, JunctionConfig } from '../config';

/**
 * Never forwarded, whatever a rule says. Hop-by-hop and framing headers belong to one connection; the
 * identity header is the gateway's to set — a client-sent copy would let the caller claim to be anyone.
 */
const NEVER = new Set([
  'connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade',
  'host', 'content-length', 'content-type', 'accept', 'accept-encoding', 'expect',
]);

/** Headers carrying the caller's credentials: forwarded only by a rule that names them (never by `matching`). */
const CREDENTIALS = ['authorization', 'cookie'];

/** What no rule may forward, besides NEVER. */
export interface HeaderGuards {
  /** The gateway-signed identity header (`identity.subgraphToken.header`). */
  identityHeader: string;
  /** Headers carrying Junction's own secrets (the persisted-queries bypass header): never forwarded, even when named. */
  secretHeaders?: readonly string[];
  /** More credential headers (the `auth.header`), like `authorization` and `cookie` forwarded only when named. */
  credentialHeaders?: readonly string[];
  /** Junction's secrets (admin and metrics tokens, the bypass value): a header whose value or credentials are one is never forwarded. */
  secretValues?: readonly string[];
}

/** The client request's headers (Apollo Server's HeaderMap: lower-case names). */
interface HeaderSource extends Iterable<[string, string]> {
  get(name: string): string | null | undefined;
}

export type HeaderPlanner = (clientHeaders: HeaderSource, principal: Principal | undefined, subgraph: string) => string[];

/**
 * Compiles the rules once (their header names are lower case: loadConfig); the result gives each subgraph
 * fetch its headers as a flat [name, value, …] list.
 * Secret leakage: a broad rule (`matching: "^x-"`) would hand Junction's own secrets to every subgraph, so the
 * bypass header and any header carrying the admin or metrics token are never forwarded, and credentials
 * (authorization, cookies) only by a rule naming them, as Apollo Router does. Hop-by-hop: a header the
 * client's `Connection` header lists belongs to that connection (RFC 9110 §7.6.1) and is not propagated.
 */
export function compileHeaderRules(config: JunctionConfig['headers'], guards: HeaderGuards): HeaderPlanner | undefined {
  const lower = (names: readonly string[] | undefined) => (names ?? []).map((n) => n.toLowerCase());
  const never = new Set([...NEVER, guards.identityHeader.toLowerCase(), ...lower(guards.secretHeaders)]);
  const credentials = new Set([...CREDENTIALS, ...lower(guards.credentialHeaders)]);
  const secrets = new Set(guards.secretValues ?? []);
  const carriesSecret = (value: string): boolean => {
    if (secrets.size === 0) return false;
    const trimmed = value.trim();
    // The value itself, or the credentials of `<scheme> <credentials>` (Bearer, Basic, …).
    const space = trimmed.indexOf(' ');
    return secrets.has(trimmed) || (space > 0 && secrets.has(trimmed.slice(space + 1).trim()));
  };
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
    const hopByHop = connectionListed(clientHeaders.get('connection'));
    const propagatable = (name: string) => !never.has(name) && !hopByHop?.has(name);
    for (const rule of bySubgraph.get(subgraph) ?? all) {
      if ('propagate' in rule) {
        const { named, rename, default: fallback } = rule.propagate;
        if (named) {
          const value = (propagatable(named) ? clientHeaders.get(named) : undefined) ?? fallback;
          if (value !== undefined && value !== null) out.set(rename ?? named, value);
        } else if (rule.pattern) {
          for (const [name, value] of clientHeaders) {
            const source = name.toLowerCase();
            if (rule.pattern.test(name) && propagatable(source) && !credentials.has(source)) out.set(source, value);
          }
        }
      } else if ('insert' in rule) {
        const { name, value, fromClaim } = rule.insert;
        const claim = fromClaim ? principal?.claims[fromClaim] : undefined;
        const resolved = fromClaim ? (claim === undefined || claim === null ? undefined : typeof claim === 'string' ? claim : JSON.stringify(claim)) : value;
        if (resolved !== undefined) out.set(name, resolved);
      } else {
        const { named } = rule.remove;
        for (const name of [...out.keys()]) if (name === named || rule.pattern?.test(name)) out.delete(name);
      }
    }
    const flat: string[] = [];
    for (const [name, value] of out) if (!never.has(name) && !carriesSecret(value)) flat.push(name, value);
    return flat;
  };
}

/** The header names a `Connection` header lists (lower case), or undefined when there is none. */
function connectionListed(header: string | null | undefined): Set<string> | undefined {
  if (!header) return undefined;
  return new Set(header.split(',').map((token) => token.trim().toLowerCase()).filter((token) => token !== ''));
}
