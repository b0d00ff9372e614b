import type { JWTPayload } from 'jose';
import { AuthenticationError } from './authenticationError';
import type { Principal } from './types';

/**
 * The principal a verified payload describes. Scopes come from `scope` (space-separated, RFC 8693) and `scp`
 * (Okta's array, Azure's space-separated string); either may be a string or a list of strings. A claim of any
 * other shape refuses the token rather than silently granting other scopes than the issuer meant.
 */
export function toPrincipal(payload: JWTPayload): Principal {
  const claims: Record<string, unknown> = payload;
  const { sub } = claims;
  if (sub !== undefined && typeof sub !== 'string') throw new AuthenticationError('token claim "sub" invalid');
  const scopes = [...new Set([...scopeList(claims.scope, 'scope'), ...scopeList(claims.scp, 'scp')])];
  return Object.freeze({ sub, scopes: Object.freeze(scopes), claims: deepFreeze(claims) });
}

function scopeList(value: unknown, claim: string): string[] {
  if (value === undefined) return [];
  if (typeof value === 'string') return value.split(/\s+/).filter((scope) => scope !== '');
  if (isStringArray(value)) return value.filter((scope) => scope !== '');
  throw new AuthenticationError(`token claim "${claim}" invalid`);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/** The payload is fresh JSON (jose parsed it for this request), so freezing it in place is safe and cheap. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
