import { createAuthenticator, loadOrCreateDevKey, type Authenticator } from '../auth';
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
