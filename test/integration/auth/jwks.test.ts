import { createAuthenticator, type Authenticator } from '../../../src/auth';
import { bearer, expectRefused, incoming, now, options, segment, sign, testKey, type TestKey } from '../../unit/auth/helpers';
import { startJwksServer, type JwksServer } from './jwksServer';

describe('authentication against a remote JWKS', () => {
  let jwks: JwksServer;
  let key: TestKey;
  let auth: Authenticator;
  const ISSUER = 'https://idp.example.com/';
  const AUDIENCE = 'junction';

  beforeAll(async () => {
    key = await testKey('key-1');
    jwks = await startJwksServer([key.jwk]);
    auth = createAuthenticator(
      options({ issuer: ISSUER, audience: AUDIENCE, clockToleranceSec: 30, jwks: { url: jwks.url, cooldownMs: 30_000, timeoutMs: 5000 } }),
    );
  });
  afterAll(() => jwks.stop());

  const valid = (claims: Record<string, unknown> = {}) => sign(key, { iss: ISSUER, aud: AUDIENCE, ...claims });

  it('turns a valid token into a principal with sub, scopes and claims', async () => {
    const principal = await auth.authenticate(bearer(await valid({ scope: 'read:products  write:reviews', tenant: 'acme' })));
    expect(principal).toEqual({
      sub: 'user-1',
      scopes: ['read:products', 'write:reviews'],
      claims: expect.objectContaining({ sub: 'user-1', iss: ISSUER, aud: AUDIENCE, tenant: 'acme' }),
    });
    expect(Object.isFrozen(principal?.claims)).toBe(true);
  });

  it('takes scopes from an scp array too', async () => {
    const principal = await auth.authenticate(bearer(await valid({ scope: 'a b', scp: ['b', 'c'] })));
    expect(principal?.scopes).toEqual(['a', 'b', 'c']);
  });

  it('refuses scope claims that are neither a string nor a list of strings', async () => {
    await expectRefused(auth.authenticate(bearer(await valid({ scope: 42 }))), 'token claim "scope" invalid');
    await expectRefused(auth.authenticate(bearer(await valid({ scp: ['a', { admin: true }] }))), 'token claim "scp" invalid');
  });

  it('refuses an expired token', async () => {
    const token = await valid({ iat: now() - 7200, exp: now() - 3600 });
    await expectRefused(auth.authenticate(bearer(token)), 'token expired', token);
  });

  it('refuses a token not valid yet beyond the clock tolerance, accepts one within it', async () => {
    const early = await valid({ nbf: now() + 120 });
    await expectRefused(auth.authenticate(bearer(early)), 'token not yet valid', early);
    const skewed = await valid({ nbf: now() + 10 });
    expect((await auth.authenticate(bearer(skewed)))?.sub).toBe('user-1');
  });

  it('accepts a token expired by less than the clock tolerance', async () => {
    expect((await auth.authenticate(bearer(await valid({ exp: now() - 10 }))))?.sub).toBe('user-1');
  });

  it('refuses a token without exp', async () => {
    await expectRefused(auth.authenticate(bearer(await valid({ exp: undefined }))), 'token has no expiry (exp)');
  });

  it('refuses a token from another issuer or for another audience', async () => {
    await expectRefused(auth.authenticate(bearer(await valid({ iss: 'https://evil.example.com/' }))), 'token issuer not accepted');
    await expectRefused(auth.authenticate(bearer(await valid({ aud: 'some-other-api' }))), 'token audience not accepted');
  });

  it('refuses a token signed by another key under the same kid', async () => {
    const impostor = await testKey('key-1');
    const token = await sign(impostor, { iss: ISSUER, aud: AUDIENCE });
    await expectRefused(auth.authenticate(bearer(token)), 'signature invalid', token);
  });

  it('refuses a token whose kid is in no key set', async () => {
    const stranger = await testKey('key-unknown');
    await expectRefused(auth.authenticate(bearer(await sign(stranger, { iss: ISSUER, aud: AUDIENCE }))), 'no key matches the token');
  });

  it('refuses alg "none", however it is spelled', async () => {
    const claims = { sub: 'admin', iss: ISSUER, aud: AUDIENCE, exp: now() + 3600 };
    for (const alg of ['none', 'None', 'NONE']) {
      await expectRefused(auth.authenticate(bearer(`${segment({ alg, typ: 'JWT' })}.${segment(claims)}.`)), 'algorithm not allowed');
    }
  });

  it('refuses a token larger than maxTokenBytes before parsing it', async () => {
    const small = createAuthenticator(options({ maxTokenBytes: 1024, jwks: { url: jwks.url, cooldownMs: 30_000, timeoutMs: 5000 } }));
    const big = await valid({ padding: 'x'.repeat(2000) });
    await expectRefused(small.authenticate(bearer(big)), 'token too large', big);
    // Not even a token: refused for its size, not its shape.
    await expectRefused(small.authenticate(bearer('#'.repeat(1025))), 'token too large');
  });

  it('refuses malformed tokens', async () => {
    const token = await valid();
    const [header, payload, signature] = token.split('.');
    for (const bad of ['abc', 'a.b', `${header}.${payload}`, `${header}.${payload}.${signature}.x`, `!!.${payload}.${signature}`, `${segment('x')}.${payload}.${signature}`]) {
      await expectRefused(auth.authenticate(bearer(bad)), 'malformed token');
    }
    await expectRefused(auth.authenticate(bearer(`${header}.${segment([1, 2])}.${signature}`)), 'signature invalid');
  });

  it('treats a request without a token as anonymous unless a token is required', async () => {
    expect(await auth.authenticate(incoming({}))).toBeUndefined();
    const strict = createAuthenticator(options({ require: true, jwks: { url: jwks.url, cooldownMs: 30_000, timeoutMs: 5000 } }));
    await expectRefused(strict.authenticate(incoming({})), 'no token');
    expect((await strict.authenticate(bearer(await valid())))?.sub).toBe('user-1');
  });

  it('refuses an authorization header with another scheme instead of ignoring it', async () => {
    await expectRefused(auth.authenticate(incoming({ authorization: 'Basic dXNlcjpwYXNz' })), 'the authorization header must be "Bearer <token>"');
    expect((await auth.authenticate(incoming({ authorization: `bearer ${await valid()}` })))?.sub).toBe('user-1');
  });

  it('reads the token from the cookie when the header is absent', async () => {
    const cookieAuth = createAuthenticator(options({ cookie: 'junction_token', jwks: { url: jwks.url, cooldownMs: 30_000, timeoutMs: 5000 } }));
    const token = await valid({ sub: 'from-cookie' });
    expect((await cookieAuth.authenticate(incoming({ cookie: `theme=dark; junction_token=${token}; lang=en` })))?.sub).toBe('from-cookie');
    expect(await cookieAuth.authenticate(incoming({ cookie: 'theme=dark; junction_token=' }))).toBeUndefined();
    await expectRefused(cookieAuth.authenticate(incoming({ cookie: `junction_token=${token}; junction_token=${token}` })), 'more than one junction_token cookie');
    // The header wins over the cookie.
    const fromHeader = await valid({ sub: 'from-header' });
    expect((await cookieAuth.authenticate(incoming({ authorization: `Bearer ${fromHeader}`, cookie: `junction_token=${token}` })))?.sub).toBe('from-header');
  });

  it('reads a custom header, with a custom prefix or none', async () => {
    const token = await valid();
    const custom = createAuthenticator(options({ header: 'X-Api-Token', prefix: 'Token ', jwks: { url: jwks.url, cooldownMs: 30_000, timeoutMs: 5000 } }));
    expect((await custom.authenticate(incoming({ 'x-api-token': `Token ${token}` })))?.sub).toBe('user-1');
    expect(await custom.authenticate(incoming({ authorization: `Bearer ${token}` }))).toBeUndefined();
    const raw = createAuthenticator(options({ header: 'x-api-token', prefix: '', jwks: { url: jwks.url, cooldownMs: 30_000, timeoutMs: 5000 } }));
    expect((await raw.authenticate(incoming({ 'x-api-token': token })))?.sub).toBe('user-1');
  });

  it('refuses (and does not treat as anonymous) a token when the JWKS cannot be fetched', async () => {
    const gone = await startJwksServer([key.jwk]);
    await gone.stop();
    const down = createAuthenticator(options({ jwks: { url: gone.url, cooldownMs: 30_000, timeoutMs: 1000 } }));
    await expectRefused(down.authenticate(bearer(await valid())), 'signing keys unavailable');
  });
});
