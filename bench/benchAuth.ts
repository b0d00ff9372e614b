import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT } from 'jose';

/** Headers every benchmark request carries (both gateways get the same bytes; stock ignores the token). */
export const requestHeaders: Record<string, string> = {};

/**
 * The sample supergraph has `me @authenticated`, so the benchmark signs in: Junction gets a gateway.yaml that
 * trusts an HS256 secret made for this run, and every request carries a token signed with it.
 */
export async function prepareBenchAuth(dir: string): Promise<string> {
  const secret = randomBytes(32).toString('hex');
  const configFile = join(dir, 'gateway.yaml');
  // Stock logs nothing per request: the access log is off here too (docs/performance.md gives its cost).
  // Metrics on a port the OS picks: in production they default to 127.0.0.1:9090, which another process on a
  // shared machine may hold (the gateway would refuse to start).
  writeFileSync(configFile, `auth:\n  algorithms: [HS256]\n  secrets:\n    - secret: "${secret}"\nlogging:\n  accessLog: false\nmetrics:\n  port: 0\n`);
  const token = await new SignJWT({ scope: 'read:email' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('1')
    .setIssuedAt()
    .setExpirationTime('2h')
    .sign(new TextEncoder().encode(secret));
  requestHeaders.authorization = `Bearer ${token}`;
  return configFile;
}
