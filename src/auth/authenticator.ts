import { LruMap } from '../store';
import { checkAlgorithms } from './algorithms';
import { AuthenticationError } from './authenticationError';
import { createKeyring } from './keyring';
import { toPrincipal } from './principal';
import { readToken, type TokenSource } from './tokenSource';
import type { AuthenticationOptions, Authenticator, Principal } from './types';
import { readHeader, verifyToken, type ClaimChecks } from './verify';

/**
 * Checks the options and loads every local key now (a bad configuration throws here, at startup); the remote
 * JWKS is fetched on the first token that needs it.
 */
export function createAuthenticator(options: AuthenticationOptions): Authenticator {
  checkAlgorithms(options.algorithms);
  if (!options.header) throw new Error('authentication.header must name a header');
  if (!Number.isInteger(options.maxTokenBytes) || options.maxTokenBytes <= 0) {
    throw new Error('authentication.maxTokenBytes must be a positive integer');
  }
  if (!Number.isFinite(options.clockToleranceSec) || options.clockToleranceSec < 0) {
    throw new Error('authentication.clockToleranceSec must be 0 or more');
  }
  const keyring = createKeyring(options);
  const allowed = new Set(options.algorithms);
  const source: TokenSource = { header: options.header, prefix: options.prefix, cookie: options.cookie, maxTokenBytes: options.maxTokenBytes };
  const checks: ClaimChecks = {
    issuer: options.issuer,
    audience: options.audience,
    clockTolerance: options.clockToleranceSec,
    // A token without exp, once leaked, is good forever.
    requiredClaims: ['exp'],
  };
  // A token verified once is trusted until it expires: the same client sends it on every request, and a
  // signature check costs more than the rest of a small request. Only verified tokens are remembered.
  const verified = new LruMap<{ principal: Principal; expiresAtMs: number }>(10_000);
  return {
    async authenticate(headers) {
      const token = readToken(headers, source);
      if (token === undefined) {
        if (options.require) throw new AuthenticationError('no token');
        return undefined;
      }
      const known = verified.get(token);
      if (known && known.expiresAtMs > Date.now()) return known.principal;
      const payload = await verifyToken(token, readHeader(token, allowed), keyring, checks);
      const principal = toPrincipal(payload);
      if (typeof payload.exp === 'number') verified.set(token, { principal, expiresAtMs: payload.exp * 1000 });
      return principal;
    },
  };
}
