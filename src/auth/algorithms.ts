import type { KeyObject } from 'node:crypto';

/** The JWS algorithms a configuration may allow. "none" is not one of them, whatever the config says. */
const HMAC = ['HS256', 'HS384', 'HS512'] as const;
const RSA = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'] as const;
const EC: Readonly<Record<string, string>> = { prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' };
const KNOWN = new Set<string>([...HMAC, ...RSA, ...Object.values(EC), 'EdDSA']);

export function isHmacAlgorithm(alg: string): boolean {
  return (HMAC as readonly string[]).includes(alg);
}

/** RFC 7518 §3.2: an HMAC key must be at least as long as the hash output. */
export function hmacKeyBytes(alg: string): number {
  return Number(alg.slice(2)) / 8;
}

/** Throws on an empty allowlist or one naming an algorithm Junction does not verify (e.g. "none"). */
export function checkAlgorithms(algorithms: readonly string[]): void {
  if (algorithms.length === 0) throw new Error('authentication.algorithms must list at least one algorithm');
  for (const alg of algorithms) {
    if (!KNOWN.has(alg)) throw new Error(`authentication.algorithms: "${alg}" is not supported (one of ${[...KNOWN].join(', ')})`);
  }
}

/**
 * The algorithms an asymmetric public key can verify, from what the key is (not from what a token claims), so an
 * RSA key is only ever used for RS/PS tokens and an EC key for its own curve.
 */
export function algorithmsForKey(key: KeyObject): string[] {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return [...RSA];
    case 'rsa-pss':
      return RSA.filter((alg) => alg.startsWith('PS'));
    case 'ec': {
      const alg = EC[key.asymmetricKeyDetails?.namedCurve ?? ''];
      return alg ? [alg] : [];
    }
    case 'ed25519':
    case 'ed448':
      return ['EdDSA'];
    default:
      return [];
  }
}
