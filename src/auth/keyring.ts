import { createPublicKey, createSecretKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import { algorithmsForKey, hmacKeyBytes, isHmacAlgorithm } from './algorithms';
import type { AuthenticationOptions, LocalKey } from './types';

/** One key with the algorithms it may verify, fixed when the key is loaded: a token's header cannot widen them. */
export interface KeyCandidate {
  readonly kid: string | undefined;
  readonly algorithms: readonly string[];
  readonly key: KeyObject;
}

export interface Keyring {
  /** Local public keys and HMAC secrets that may verify a token with this alg (and kid), in configuration order. */
  local(alg: string, kid: string | undefined): KeyCandidate[];
  /** The remote JWKS, asked only for the asymmetric algorithms in `remoteAlgorithms`. */
  readonly remote: JWTVerifyGetKey | undefined;
  readonly remoteAlgorithms: readonly string[];
}

/** Loads every configured key now, so a bad key fails at startup rather than on each request. */
export function createKeyring(options: AuthenticationOptions): Keyring {
  const allowed = new Set(options.algorithms);
  const keys = (options.keys ?? []).map((entry, index) => loadPublicKey(entry, `authentication.keys[${index}]`, allowed));
  const secrets = (options.secrets ?? []).map(({ secret }, index) => loadSecret(secret, `authentication.secrets[${index}]`, allowed));
  const candidates = [...keys, ...secrets].filter((candidate) => candidate.algorithms.length > 0);
  const remoteAlgorithms = options.algorithms.filter((alg) => !isHmacAlgorithm(alg));
  const remote = options.jwks ? remoteKeySet(options.jwks) : undefined;
  if (candidates.length === 0 && !(remote && remoteAlgorithms.length > 0)) {
    throw new Error('authentication needs a JWKS url, keys or secrets that can verify one of authentication.algorithms');
  }
  return {
    local: (alg, kid) =>
      candidates.filter((c) => c.algorithms.includes(alg) && (kid === undefined || c.kid === undefined || c.kid === kid)),
    remote: remoteAlgorithms.length > 0 ? remote : undefined,
    remoteAlgorithms,
  };
}

function loadPublicKey(entry: LocalKey, where: string, allowed: ReadonlySet<string>): KeyCandidate {
  const { key, kid, declared } = 'pem' in entry ? fromPem(entry.pem, entry.alg, where) : fromJwk(entry.jwk, where);
  const usable = algorithmsForKey(key);
  if (usable.length === 0) throw new Error(`${where}: unsupported key type ${key.asymmetricKeyType ?? 'unknown'}`);
  if (declared !== undefined && !usable.includes(declared)) {
    throw new Error(`${where}: a ${key.asymmetricKeyType ?? ''} key cannot verify ${declared}`);
  }
  const modulus = key.asymmetricKeyDetails?.modulusLength;
  if (modulus !== undefined && modulus < 2048) throw new Error(`${where}: RSA keys must be at least 2048 bits`);
  const algorithms = (declared === undefined ? usable : [declared]).filter((alg) => allowed.has(alg));
  if (algorithms.length === 0) throw new Error(`${where} verifies none of authentication.algorithms`);
  return { kid, algorithms, key };
}

// Private key material in the gateway's config is a signing key leaked to every reader of that config.
function fromPem(pem: string, alg: string, where: string): { key: KeyObject; kid: undefined; declared: string } {
  if (/PRIVATE KEY/.test(pem)) throw new Error(`${where}: a private key; configure the public key (SPKI PEM)`);
  return { key: asPublicKey(() => createPublicKey(pem), where), kid: undefined, declared: alg };
}

function fromJwk(jwk: Record<string, unknown>, where: string): { key: KeyObject; kid: string | undefined; declared: string | undefined } {
  if (jwk.kty === 'oct') throw new Error(`${where}: a symmetric key; HMAC secrets go in authentication.secrets`);
  if ('d' in jwk) throw new Error(`${where}: a private key; configure the public JWK`);
  if (jwk.use !== undefined && jwk.use !== 'sig') throw new Error(`${where}: not a signing key (use: ${String(jwk.use)})`);
  if (jwk.kid !== undefined && typeof jwk.kid !== 'string') throw new Error(`${where}: kid must be a string`);
  if (jwk.alg !== undefined && typeof jwk.alg !== 'string') throw new Error(`${where}: alg must be a string`);
  // node:crypto validates every member it reads; the cast only satisfies its parameter type.
  const key = asPublicKey(() => createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' }), where);
  return { key, kid: jwk.kid, declared: jwk.alg };
}

function asPublicKey(load: () => KeyObject, where: string): KeyObject {
  try {
    return load();
  } catch (err) {
    throw new Error(`${where}: not a valid public key (${err instanceof Error ? err.message : String(err)})`);
  }
}

// Offline brute force: a short HMAC secret can be recovered from any one token it signed.
function loadSecret(secret: string, where: string, allowed: ReadonlySet<string>): KeyCandidate {
  const bytes = Buffer.from(secret, 'utf8');
  if (bytes.length < 32) throw new Error(`${where}: HMAC secrets must be at least 32 bytes`);
  const algorithms = [...allowed].filter((alg) => isHmacAlgorithm(alg) && bytes.length >= hmacKeyBytes(alg));
  return { kid: undefined, algorithms, key: createSecretKey(bytes) };
}

// Key substitution: a JWKS fetched over plain HTTP lets anyone on the network path supply the keys tokens are checked with.
function remoteKeySet(jwks: NonNullable<AuthenticationOptions['jwks']>): JWTVerifyGetKey {
  let url: URL;
  try {
    url = new URL(jwks.url);
  } catch {
    throw new Error(`authentication.jwks.url is not a URL`);
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new Error('authentication.jwks.url must be https (plain http only for localhost)');
  }
  return createRemoteJWKSet(url, { cooldownDuration: jwks.cooldownMs, timeoutDuration: jwks.timeoutMs });
}
