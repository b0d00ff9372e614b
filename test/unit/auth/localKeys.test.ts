import { exportSPKI } from 'jose';
import { createAuthenticator } from '../../../src/auth';
import { bearer, expectRefused, options, sign, testKey } from './helpers';

const secretKey = (secret: string, alg = 'HS256', kid?: string) => ({ alg, kid, privateKey: new TextEncoder().encode(secret) });

describe('authentication with local keys and secrets', () => {
  it('verifies with a JWK without alg, for the algorithm its curve implies', async () => {
    const ec = await testKey('ec-1', 'ES256');
    const { alg: _alg, ...withoutAlg } = ec.jwk;
    const auth = createAuthenticator(options({ algorithms: ['ES256', 'ES384', 'RS256'], keys: [{ jwk: withoutAlg }] }));
    expect(await auth.authenticate(bearer(await sign(ec, { scope: 'read' })))).toMatchObject({ sub: 'user-1', scopes: ['read'] });
    const p384 = await testKey('ec-1', 'ES384');
    await expectRefused(auth.authenticate(bearer(await sign(p384))), 'no key matches the token');
  });

  it('picks the key by kid when the token has one', async () => {
    const [first, second] = await Promise.all([testKey('k1'), testKey('k2')]);
    const auth = createAuthenticator(options({ keys: [{ jwk: first.jwk }, { jwk: second.jwk }] }));
    expect((await auth.authenticate(bearer(await sign(second, { sub: 'two' }))))?.sub).toBe('two');
    // Signed by k1 but claiming k2: only k2 is tried.
    await expectRefused(auth.authenticate(bearer(await sign({ ...first, kid: 'k2' }))), 'signature invalid');
    await expectRefused(auth.authenticate(bearer(await sign({ ...first, kid: 'k3' }))), 'no key matches the token');
    // Without a kid, each key that fits the algorithm is tried.
    expect(await auth.authenticate(bearer(await sign({ ...second, kid: undefined }, { sub: 'two' })))).toMatchObject({ sub: 'two' });
  });

  it('tries a PEM key (which has no kid) for any token of its algorithm', async () => {
    const ed = await testKey('whatever', 'EdDSA');
    const auth = createAuthenticator(options({ algorithms: ['EdDSA'], keys: [{ pem: await exportSPKI(ed.publicKey), alg: 'EdDSA' }] }));
    expect((await auth.authenticate(bearer(await sign(ed))))?.sub).toBe('user-1');
    expect((await auth.authenticate(bearer(await sign({ ...ed, kid: undefined }))))?.sub).toBe('user-1');
  });

  it('holds a key to the alg its JWK declares', async () => {
    const rsa = await testKey('r', 'PS256');
    const auth = createAuthenticator(options({ algorithms: ['RS256', 'PS256'], keys: [{ jwk: rsa.jwk }] }));
    expect((await auth.authenticate(bearer(await sign(rsa))))?.sub).toBe('user-1');
    await expectRefused(auth.authenticate(bearer(await sign({ ...rsa, alg: 'RS256' }))), 'no key matches the token');
  });

  it('accepts any of several HMAC secrets (rotation)', async () => {
    const [oldSecret, newSecret] = ['o'.repeat(32), 'n'.repeat(32)];
    const auth = createAuthenticator(options({ algorithms: ['HS256'], secrets: [{ secret: oldSecret }, { secret: newSecret }] }));
    expect((await auth.authenticate(bearer(await sign(secretKey(oldSecret), { sub: 'old' }))))?.sub).toBe('old');
    expect((await auth.authenticate(bearer(await sign(secretKey(newSecret), { sub: 'new' }))))?.sub).toBe('new');
    await expectRefused(auth.authenticate(bearer(await sign(secretKey('x'.repeat(32))))), 'signature invalid');
  });

  it('uses a secret only for the HS algorithms it is long enough for', async () => {
    const short = 's'.repeat(32);
    const auth = createAuthenticator(options({ algorithms: ['HS256', 'HS512'], secrets: [{ secret: short }, { secret: 'l'.repeat(64) }] }));
    await expectRefused(auth.authenticate(bearer(await sign(secretKey(short, 'HS512')))), 'signature invalid');
    expect((await auth.authenticate(bearer(await sign(secretKey('l'.repeat(64), 'HS512')))))?.sub).toBe('user-1');
  });

  it('gives out a principal nobody downstream can change', async () => {
    const auth = createAuthenticator(options({ algorithms: ['HS256'], secrets: [{ secret: 's'.repeat(32) }] }));
    const principal = await auth.authenticate(bearer(await sign(secretKey('s'.repeat(32)), { scope: 'read', roles: { admin: false } })));
    if (!principal) throw new Error('expected a principal');
    expect(() => (principal.scopes as string[]).push('admin')).toThrow(TypeError);
    expect(() => ((principal.claims.roles as Record<string, unknown>).admin = true)).toThrow(TypeError);
    expect(() => ((principal as { sub: string | undefined }).sub = 'root')).toThrow(TypeError);
    expect(principal).toMatchObject({ sub: 'user-1', scopes: ['read'], claims: { roles: { admin: false } } });
  });

  it('refuses a sub claim that is not a string', async () => {
    const auth = createAuthenticator(options({ algorithms: ['HS256'], secrets: [{ secret: 's'.repeat(32) }] }));
    await expectRefused(auth.authenticate(bearer(await sign(secretKey('s'.repeat(32)), { sub: 42 as unknown as string }))), 'token claim "sub" invalid');
  });
});
