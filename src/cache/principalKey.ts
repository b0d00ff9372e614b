import { createHash } from 'node:crypto';

/**
 * The id PRIVATE cache entries are kept under: a hash of the token's issuer and subject (never the raw
 * subject, so a key dump names nobody). Undefined for a caller without a subject: nothing private is cached.
 */
export function principalKey(principal: { sub: string | undefined; claims: Readonly<Record<string, unknown>> } | undefined): string | undefined {
  if (!principal?.sub) return undefined;
  const issuer = typeof principal.claims.iss === 'string' ? principal.claims.iss : '';
  // JSON: an issuer or subject may hold any character, a separator could not keep two callers apart.
  return createHash('sha256').update(JSON.stringify([issuer, principal.sub])).digest('hex').slice(0, 32);
}
