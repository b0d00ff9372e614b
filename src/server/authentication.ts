import { createAuthenticator, createIdentitySigner, loadOrCreateDevKey, loadOrCreateIdentitySecret, type Authenticator, type IdentitySigner } from '../auth';
import type { JunctionConfig } from '../config';

/**
 * The authenticator `auth` in gateway.yaml describes, or undefined when no key source is configured (tokens
 * are then not verified and every request is anonymous). Outside production the development key of
 * `junction token` is trusted unless `auth.devKey: false`; in production it never is (config refuses it).
 */
export async function buildAuthenticator(config: JunctionConfig): Promise<Authenticator | undefined> {
  const { devKey, devKeyDir, ...auth } = config.auth;
  const keys: Array<{ jwk: Record<string, unknown> } | { pem: string; alg: string }> = [...auth.keys];
  const algorithms = [...auth.algorithms];
  if (devKey) {
    keys.push({ jwk: (await loadOrCreateDevKey(devKeyDir)).publicJwk });
    if (!algorithms.includes('ES256')) algorithms.push('ES256');
  }
  if (!auth.jwks && keys.length === 0 && auth.secrets.length === 0) return undefined;
  return createAuthenticator({ ...auth, keys, algorithms });
}

/**
 * The signer of the identity tokens subgraphs receive: the configured (or env) secret, else outside production
 * the generated development secret the sample subgraphs also read; in production without a secret, none.
 */
export async function identitySigner(config: JunctionConfig): Promise<IdentitySigner | undefined> {
  const { secret, ttlSec, devSecret } = config.identity.subgraphToken;
  const resolved = secret ?? (devSecret ? await loadOrCreateIdentitySecret(config.auth.devKeyDir) : undefined);
  return resolved ? createIdentitySigner({ secret: resolved, ttlSec }) : undefined;
}
