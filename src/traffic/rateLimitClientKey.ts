import { createHash } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import type { Principal } from '../auth';

/** What the HTTP layer knows about a request once its token is verified. */
export interface ClientFacts {
  principal: Principal | undefined;
  /** A request header (lower-case name), joined when repeated. */
  header(name: string): string | undefined;
  /** The TCP peer (`req.socket.remoteAddress`). */
  remoteAddress: string | undefined;
}

/** `sub`, `ip` or `header:<name>`, in the order they are tried (config `rateLimit.clientKey`). */
export type ClientKeyRule = string;

/** The bucket of a request that no rule identifies (e.g. `clientKey: [sub]` and no token): one shared budget. */
const ANONYMOUS_CLIENT = 'anonymous';

/**
 * Who a request counts against. A client that cannot be told apart from others shares their budget rather
 * than escaping it: an unknown peer address is `ip:unknown`, a request no rule identifies is `anonymous`.
 * API keys are hashed, so counters (in Redis, in logs of keys) never hold the secret itself.
 */
export function createClientKey(rules: readonly ClientKeyRule[], trustedProxies: readonly string[]): (facts: ClientFacts) => string {
  const trusted = trustedSet(trustedProxies);
  const steps = rules.map((rule): ((facts: ClientFacts) => string | undefined) => {
    if (rule === 'sub') return (facts) => (facts.principal?.sub ? `sub:${facts.principal.sub}` : undefined);
    if (rule === 'ip') return (facts) => `ip:${ipBucket(clientIp(facts.remoteAddress, facts.header('x-forwarded-for'), trusted))}`;
    const name = rule.slice('header:'.length).toLowerCase();
    return (facts) => {
      const value = facts.header(name);
      return value ? `key:${createHash('sha256').update(value).digest('base64url')}` : undefined;
    };
  });
  return (facts) => {
    for (const step of steps) {
      const key = step(facts);
      if (key !== undefined) return key;
    }
    return ANONYMOUS_CLIENT;
  };
}

/** Trusted proxy addresses; matching is by address, so `::ffff:10.0.0.1` matches `10.0.0.1`. */
export function trustedSet(addresses: readonly string[]): BlockList | undefined {
  if (addresses.length === 0) return undefined;
  const list = new BlockList();
  for (const address of addresses) list.addAddress(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
  return list;
}

/**
 * The client's address. X-Forwarded-For is written by whoever sends it, so it is believed only hop by hop
 * from our side: when the peer is a trusted proxy, the list is walked from the right, skipping trusted
 * proxies, and the first other address is the client. An untrusted peer's header is ignored (else any client
 * could pick its own bucket); a malformed entry stops the walk at the last hop we trust.
 */
export function clientIp(remoteAddress: string | undefined, forwardedFor: string | undefined, trusted: BlockList | undefined): string {
  const peer = canonicalIp(remoteAddress);
  if (peer === undefined) return 'unknown';
  if (!trusted || !forwardedFor || !isTrusted(trusted, peer)) return peer;
  let client = peer;
  const hops = forwardedFor.split(',');
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = canonicalIp(stripPort((hops[i] as string).trim()));
    if (hop === undefined) return client;
    client = hop;
    if (!isTrusted(trusted, hop)) return hop;
  }
  // Every hop is a trusted proxy: the left-most is where the request entered them.
  return client;
}

/**
 * The budget an address counts against. An IPv6 client is given (at least) a /64 by its provider and can
 * use any address in it: keying by the full address would let it take 2^64 budgets.
 */
export function ipBucket(ip: string): string {
  if (isIP(ip) !== 6) return ip;
  const groups = expandIpv6(ip);
  return groups ? `${groups.slice(0, 4).join(':')}::/64` : ip;
}

function isTrusted(trusted: BlockList, ip: string): boolean {
  return trusted.check(ip, isIP(ip) === 6 ? 'ipv6' : 'ipv4');
}

/** A valid address in one spelling: IPv4-mapped IPv6 as IPv4, IPv6 lower-case without a zone. */
function canonicalIp(address: string | undefined): string | undefined {
  if (!address) return undefined;
  const unzoned = address.split('%')[0] as string;
  const family = isIP(unzoned);
  if (family === 4) return unzoned;
  if (family !== 6) return undefined;
  const lower = unzoned.toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  return mapped ? mapped[1] : lower;
}

/** `1.2.3.4:5678` and `[2001:db8::1]:443` (proxies may add the port) → the address. */
function stripPort(hop: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(hop);
  if (bracketed) return bracketed[1] as string;
  const v4 = /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(hop);
  return v4 ? (v4[1] as string) : hop;
}

/** The eight 16-bit groups of a valid IPv6 address (an IPv4 tail counts as two). */
function expandIpv6(ip: string): string[] | undefined {
  let text = ip;
  const tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (tail) {
    const [a, b, c, d] = tail.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, tail.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  const left = head === '' ? [] : head.split(':');
  const right = rest === undefined || rest === '' ? [] : rest.split(':');
  const missing = 8 - left.length - right.length;
  if (missing < 0 || (rest === undefined && missing !== 0)) return undefined;
  return [...left, ...Array<string>(missing).fill('0'), ...right].map((group) => parseInt(group, 16).toString(16));
}
