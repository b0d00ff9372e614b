import { createIdentitySigner, loadOrCreateDevKey, loadOrCreateIdentitySecret, signDevToken } from '../../src/auth';
import { loadConfig } from '../../src/config';

// The package's .junction/ (git-ignored): where the gateway and the sample subgraphs find the dev secrets.
function devDir(): string {
  const config = loadConfig({ env: {} });
  if (!config.ok) throw new Error(config.problems.join('\n'));
  return config.value.auth.devKeyDir;
}

/** The header a gateway would send `audience` for a caller `sub` (signed with the development secret). */
export async function identityHeader(sub: string, audience: string, ttlSec = 60): Promise<Record<string, string>> {
  const signer = createIdentitySigner({ secret: await loadOrCreateIdentitySecret(devDir()), ttlSec });
  return { 'x-junction-identity': await signer.tokenFor({ sub, scopes: [], claims: { sub } }, audience) };
}

/** A client token the test gateways accept (signed with the development key, as `junction token` does). */
export async function devToken(sub: string, scopes: string[] = []): Promise<string> {
  return signDevToken(await loadOrCreateDevKey(devDir()), { sub, scopes });
}
