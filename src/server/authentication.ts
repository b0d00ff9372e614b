import type { Authenticator, IdentitySigner, Principal } from '../auth';
import type { JunctionConfig } from '../config';

/** The HTTP layer's view of authentication: a principal (or anonymous), or why the token was refused. */
export type RequestAuthenticator = (headers: { get(name: string): string | null | undefined }) => Promise<{ ok: true; principal: Principal | undefined } | { ok: false; message: string }>;

// `../auth` (and jose with it, ~12 MiB resident) is loaded only when a key source or secret is configured.
const auth = (): typeof import('../auth') => require('../auth') as typeof import('../auth');

/**
 * The authenticator `auth` in gateway.yaml describes, or undefined when no key source is configured (tokens
 * are then not verified and every request is anonymous). Outside production the development key of
 * `junction token` is trusted unless `auth.devKey: false`; in production it never is (config refuses it).
 */
export async function buildAuthenticator(config: Pick<JunctionConfig, 'auth'>): Promise<RequestAuthenticator | undefined> {
  const { devKey, devKeyDir, ...options } = config.auth;
  const keys: Array<{ jwk: Record<string, unknown> } | { pem: string; alg: string }> = [...options.keys];
  const algorithms = [...options.algorithms];
  if (!options.jwks && keys.length === 0 && options.secrets.length === 0 && !devKey) return undefined;
  const { createAuthenticator, loadOrCreateDevKey, AuthenticationError } = auth();
  if (devKey) {
    keys.push({ jwk: (await loadOrCreateDevKey(devKeyDir)).publicJwk });
    if (!algorithms.includes('ES256')) algorithms.push('ES256');
  }
  const authenticator: Authenticator = createAuthenticator({ ...options, keys, algorithms });
  return async (headers) => {
    try {
      return { ok: true, principal: await authenticator.authenticate(headers) };
    } catch (err) {
      if (err instanceof AuthenticationError) return { ok: false, message: err.message };
      throw err;
    }
  };
}

/**
 * The signer of the identity tokens subgraphs receive: the configured (or env) secret, else outside production
 * the generated development secret the sample subgraphs also read; in production without a secret, none.
 */
export async function identitySigner(config: Pick<JunctionConfig, 'identity' | 'auth'>): Promise<IdentitySigner | undefined> {
  const { secret, ttlSec, devSecret } = config.identity.subgraphToken;
  if (!secret && !devSecret) return undefined;
  const { createIdentitySigner, loadOrCreateIdentitySecret } = auth();
  const resolved = secret ?? (await loadOrCreateIdentitySecret(config.auth.devKeyDir));
  return createIdentitySigner({ secret: resolved, ttlSec });
}
