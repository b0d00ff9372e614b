import { checkAlgorithms } from './algorithms';
import { AuthenticationError } from './authenticationError';
import { createKeyring } from './keyring';
import { toPrincipal } from './principal';
import { readToken, type TokenSource } from './tokenSource';
import type { AuthenticationOptions, Authenticator } from './types';
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
  return {
    async authenticate(headers) {
      const token = readToken(headers, source);
      if (token === undefined) {
        if (options.require) throw new AuthenticationError('no token');
        return undefined;
      }
      const payload = await verifyToken(token, readHeader(token, allowed), keyring, checks);
      return toPrincipal(payload);
    },
  };
}
