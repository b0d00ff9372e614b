import { decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type JWTVerifyOptions, type KeyLike } from 'jose';
import { isHmacAlgorithm } from './algorithms';
import { AuthenticationError } from './authenticationError';
import { authenticationErrorFor } from './joseErrors';
import type { Keyring } from './keyring';

export type ClaimChecks = Pick<JWTVerifyOptions, 'issuer' | 'audience' | 'clockTolerance' | 'requiredClaims'>;

/** Three base64url segments; the signature may be empty so that `alg: none` is refused by name, not as malformed. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** The header fields key selection needs, checked against the allowlist before any key is touched. */
export function readHeader(token: string, allowed: ReadonlySet<string>): { alg: string; kid: string | undefined } {
  if (!COMPACT_JWS.test(token)) throw new AuthenticationError('malformed token');
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw new AuthenticationError('malformed token');
  }
  const { alg, kid } = header;
  if (typeof alg !== 'string' || (kid !== undefined && typeof kid !== 'string')) throw new AuthenticationError('malformed token');
  if (!allowed.has(alg)) throw new AuthenticationError('algorithm not allowed');
  return { alg, kid };
}

/**
 * Algorithm confusion (an RS256 public key used as an HS256 secret): an HMAC token is only ever checked against
 * the configured secrets, and every key is passed to jose with the algorithms it was loaded for, never the
 * token's say-so. Local keys come first, then the remote JWKS.
 */
export async function verifyToken(token: string, header: { alg: string; kid: string | undefined }, keyring: Keyring, checks: ClaimChecks): Promise<JWTPayload> {
  let triedKey = false;
  for (const candidate of keyring.local(header.alg, header.kid)) {
    triedKey = true;
    const payload = await attempt(token, candidate.key, { ...checks, algorithms: [...candidate.algorithms] });
    if (payload) return payload;
  }
  if (keyring.remote && !isHmacAlgorithm(header.alg)) {
    const options = { ...checks, algorithms: [...keyring.remoteAlgorithms] };
    try {
      return (await jwtVerify(token, keyring.remote, options)).payload;
    } catch (err) {
      if (err instanceof errors.JWKSMultipleMatchingKeys) {
        // Several keys fit (no kid in the token): the one that verifies wins.
        for await (const key of err) {
          triedKey = true;
          const payload = await attempt(token, key, options);
          if (payload) return payload;
        }
      } else if (!(err instanceof errors.JWKSNoMatchingKey)) {
        throw authenticationErrorFor(err) ?? new AuthenticationError('signing keys unavailable', { cause: err });
      }
    }
  }
  throw new AuthenticationError(triedKey ? 'signature invalid' : 'no key matches the token');
}

/** The payload, or undefined when this key's signature does not match (the next key may). */
async function attempt(token: string, key: KeyLike, options: JWTVerifyOptions): Promise<JWTPayload | undefined> {
  try {
    return (await jwtVerify(token, key, options)).payload;
  } catch (err) {
    if (err instanceof errors.JWSSignatureVerificationFailed) return undefined;
    throw authenticationErrorFor(err) ?? new AuthenticationError('token could not be verified', { cause: err });
  }
}
