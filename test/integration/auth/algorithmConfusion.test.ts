import { createHmac } from 'node:crypto';
import { exportSPKI } from 'jose';
import { createAuthenticator, type AuthenticationOptions } from '../../../src/auth';
import { bearer, expectRefused, options, segment, sign, testKey, type TestKey } from '../../unit/auth/helpers';
import { startJwksServer, type JwksServer } from './jwksServer';

/**
 * The classic forgery: the attacker signs an HS256 token using the gateway's *public* RSA key (published in the
 * JWKS, or the PEM in its config) as the HMAC secret, hoping the verifier feeds that key to HMAC.
 */
describe('algorithm confusion', () => {
  let jwks: JwksServer;
  let rsa: TestKey;
  let pem: string;
  const SECRET = 'a-configured-hmac-secret-of-at-least-32-bytes';

  beforeAll(async () => {
    rsa = await testKey('rsa-1');
    pem = await exportSPKI(rsa.publicKey);
    jwks = await startJwksServer([rsa.jwk]);
  });
  afterAll(() => jwks.stop());

  const forge = (secret: string, kid = 'rsa-1') => sign({ alg: 'HS256', kid, privateKey: new TextEncoder().encode(secret) }, { sub: 'admin' });
  const sources = (): Record<string, Partial<AuthenticationOptions>> => ({
    jwks: { jwks: { url: jwks.url, cooldownMs: 30_000, timeoutMs: 5000 } },
    'local PEM': { keys: [{ pem, alg: 'RS256' }] },
    'local JWK': { keys: [{ jwk: { ...rsa.jwk } }] },
  });

  for (const source of ['jwks', 'local PEM', 'local JWK']) {
    describe(`with the RSA key from ${source}`, () => {
      it('refuses an HS256 token keyed with the public key when only RS256 is allowed', async () => {
        const auth = createAuthenticator(options({ algorithms: ['RS256'], ...sources()[source] }));
        expect((await auth.authenticate(bearer(await sign(rsa))))?.sub).toBe('user-1');
        for (const secret of [pem, pem.trim(), JSON.stringify(rsa.jwk)]) {
          await expectRefused(auth.authenticate(bearer(await forge(secret))), 'algorithm not allowed');
        }
      });

      it('refuses it when HS256 is allowed alongside RS256 with a configured secret', async () => {
        const auth = createAuthenticator(options({ algorithms: ['RS256', 'HS256'], secrets: [{ secret: SECRET }], ...sources()[source] }));
        // Both real paths work: the RSA-signed token and one signed with the configured secret.
        expect((await auth.authenticate(bearer(await sign(rsa))))?.sub).toBe('user-1');
        expect((await auth.authenticate(bearer(await forge(SECRET, 'any'))))?.sub).toBe('admin');
        for (const secret of [pem, pem.trim(), JSON.stringify(rsa.jwk)]) {
          for (const kid of ['rsa-1', undefined]) {
            const token = await sign({ alg: 'HS256', kid, privateKey: new TextEncoder().encode(secret) }, { sub: 'admin' });
            await expectRefused(auth.authenticate(bearer(token)), 'signature invalid', token);
          }
        }
      });
    });
  }

  it('never uses the configured secret for an RS256 token', async () => {
    const auth = createAuthenticator(options({ algorithms: ['RS256', 'HS256'], secrets: [{ secret: SECRET }], keys: [{ pem, alg: 'RS256' }] }));
    // An "RS256" header over an HMAC signature made with the secret: the secret must not verify it.
    const [, payload] = (await forge(SECRET)).split('.');
    const header = segment({ alg: 'RS256', kid: 'rsa-1' });
    const signature = createHmac('sha256', SECRET).update(`${header}.${payload}`).digest('base64url');
    await expectRefused(auth.authenticate(bearer(`${header}.${payload}.${signature}`)), 'signature invalid');
  });
});
