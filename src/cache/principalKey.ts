import { createHash } from 'node:crypto';

/**
 * The id PRIVATE cache entries are kept under: a hash of the token's issuer and subject (never the raw
 * subject, so a key dump names nobody). Undefined for a caller without a subject: nothing private is cached.
 */
export function principalKey(principal: { sub: string | undefined; claims: Readonly<Record<string, unknown>> } | undefined): string | undefined {
  if (!principal?.sub) return undefined;
  // Hashed once per principal: the authenticator hands the same (frozen) Principal for the same token.
  const known = keys.get(principal);
  if (known !== undefined) return known;
  const key = hashOf(principal as { sub: string; claims: Readonly<Record<string, unknown>> });
  keys.set(principal, key);
  return key;
}

const keys = new WeakMap<object, string>();

function hashOf(principal: { sub: string; claims: Readonly<Record<string, unknown>> }): string {
  const issuer = typeof principal.claims.iss === 'string' ? principal.claims.iss : '';
  // JSON: an issuer or subject may hold any character, a separator could not keep two callers apart.
  return createHash('sha256').update(JSON.stringify([issuer, principal.sub])).digest('hex').slice(0, 32);
}
