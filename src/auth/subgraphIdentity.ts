import { randomBytes } from 'node:crypto';
import { chmod, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { LruMap } from '../store';
import { createFileOnce } from './fileOnce';
import type { Principal } from './types';

/**
 * Signed subgraph identity. Forged identity: a caller who reaches a subgraph directly (or puts an identity
 * header on a request to the gateway) cannot claim to be anyone, because subgraphs trust only a short-lived
 * token the gateway signs (HS256 with a secret only the gateway and the subgraphs hold) for that subgraph.
 */
export interface IdentitySigner {
  /** The identity token for one principal and one subgraph (cached until shortly before it expires). */
  tokenFor(principal: Principal, subgraph: string): Promise<string>;
}

const IDENTITY_ISSUER = 'junction';
const SECRET_FILE = 'identity-secret';

export function createIdentitySigner(options: { secret: string; ttlSec: number }): IdentitySigner {
  const key = new TextEncoder().encode(options.secret);
  const cache = new LruMap<{ token: string; renewAt: number }>(10_000);
  return {
    async tokenFor(principal, subgraph) {
      const cacheKey = `${subgraph}\u0000${principal.sub ?? ''}\u0000${principal.scopes.join(' ')}`;
      const now = Date.now();
      const hit = cache.get(cacheKey);
      if (hit && hit.renewAt > now) return hit.token;
      const iat = Math.floor(now / 1000);
      const token = await new SignJWT({ scope: principal.scopes.join(' ') })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuer(IDENTITY_ISSUER)
        .setAudience(subgraph)
        .setSubject(principal.sub ?? '')
        .setIssuedAt(iat)
        .setExpirationTime(iat + options.ttlSec)
        .sign(key);
      // Renewed at 80% of its life, so a subgraph never receives a token about to expire.
      cache.set(cacheKey, { token, renewAt: now + options.ttlSec * 800 });
      return token;
    },
  };
}

/** The development identity secret in `<dir>/identity-secret` (mode 0600), created once and shared by processes. */
export async function loadOrCreateIdentitySecret(dir: string): Promise<string> {
  const path = join(dir, SECRET_FILE);
  const existing = await readSecret(path);
  if (existing) return existing;
  await createFileOnce(dir, SECRET_FILE, `${randomBytes(32).toString('hex')}\n`);
  const secret = await readSecret(path);
  if (!secret) throw new Error(`${path} is not a Junction identity secret`);
  return secret;
}

async function readSecret(path: string): Promise<string | undefined> {
  try {
    const secret = (await readFile(path, 'utf8')).trim();
    await chmod(path, 0o600);
    return secret.length >= 32 ? secret : undefined;
  } catch {
    return undefined;
  }
}
