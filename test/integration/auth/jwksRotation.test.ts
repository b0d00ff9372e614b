import { createAuthenticator } from '../../../src/auth';
import { bearer, expectRefused, options, sign, testKey, type Jwk } from '../../unit/auth/helpers';
import { startJwksServer, type JwksServer } from './jwksServer';

const COOLDOWN_MS = 60_000;

/** Moves the clock the JWKS cache reads (Date.now) forward; token times (exp, nbf) are unaffected by design. */
function advanceClock(ms: number): void {
  const real = Date.now.bind(Date);
  const base = Date.now();
  jest.spyOn(Date, 'now').mockImplementation(() => base + ms + (real() - base));
}

describe('JWKS key rotation', () => {
  let jwks: JwksServer | undefined;
  afterEach(async () => {
    jest.restoreAllMocks();
    await jwks?.stop();
  });

  it('accepts a token with a new kid once the key set has rotated and the cooldown has passed', async () => {
    const [oldKey, newKey] = await Promise.all([testKey('2024-01'), testKey('2024-02')]);
    jwks = await startJwksServer([oldKey.jwk]);
    const auth = createAuthenticator(options({ jwks: { url: jwks.url, cooldownMs: COOLDOWN_MS, timeoutMs: 5000 } }));
    expect((await auth.authenticate(bearer(await sign(oldKey))))?.sub).toBe('user-1');
    expect(jwks.hits()).toBe(1);

    jwks.publish([oldKey.jwk, newKey.jwk]);
    const rotated = await sign(newKey, { sub: 'user-2' });
    // Within the cooldown the cached set is all there is.
    await expectRefused(auth.authenticate(bearer(rotated)), 'no key matches the token');
    expect(jwks.hits()).toBe(1);

    advanceClock(COOLDOWN_MS + 1);
    expect((await auth.authenticate(bearer(rotated)))?.sub).toBe('user-2');
    expect(jwks.hits()).toBe(2);
    // Both keys are now cached: neither token costs a fetch.
    expect((await auth.authenticate(bearer(await sign(oldKey))))?.sub).toBe('user-1');
    expect((await auth.authenticate(bearer(rotated)))?.sub).toBe('user-2');
    expect(jwks.hits()).toBe(2);
  });

  it('refetches for unknown kids at most once per cooldown, even when they arrive at once', async () => {
    const known = await testKey('known');
    jwks = await startJwksServer([known.jwk]);
    const auth = createAuthenticator(options({ jwks: { url: jwks.url, cooldownMs: COOLDOWN_MS, timeoutMs: 5000 } }));
    expect((await auth.authenticate(bearer(await sign(known))))?.sub).toBe('user-1');
    expect(jwks.hits()).toBe(1);

    const strangers = await Promise.all(['x1', 'x2', 'x3'].map((kid) => testKey(kid)));
    const forged = await Promise.all(strangers.map((key) => sign(key)));
    for (const token of forged) await expectRefused(auth.authenticate(bearer(token)), 'no key matches the token');
    expect(jwks.hits()).toBe(1);

    advanceClock(COOLDOWN_MS + 1);
    await Promise.all(forged.map((token) => expectRefused(auth.authenticate(bearer(token)), 'no key matches the token')));
    for (const token of forged) await expectRefused(auth.authenticate(bearer(token)), 'no key matches the token');
    expect(jwks.hits()).toBe(2);
  });
});

describe('a JWKS with several keys a token could use', () => {
  it('tries each key that fits a token without kid', async () => {
    const [a, b, stranger] = await Promise.all([testKey('a'), testKey('b'), testKey('c')]);
    const withoutKid = ({ kid: _kid, ...jwk }: Jwk): Jwk => jwk;
    const jwks = await startJwksServer([withoutKid(a.jwk), withoutKid(b.jwk)]);
    try {
      const auth = createAuthenticator(options({ jwks: { url: jwks.url, cooldownMs: COOLDOWN_MS, timeoutMs: 5000 } }));
      expect((await auth.authenticate(bearer(await sign({ ...b, kid: undefined }, { sub: 'b' }))))?.sub).toBe('b');
      expect((await auth.authenticate(bearer(await sign({ ...a, kid: undefined }, { sub: 'a' }))))?.sub).toBe('a');
      await expectRefused(auth.authenticate(bearer(await sign({ ...stranger, kid: undefined }))), 'signature invalid');
    } finally {
      await jwks.stop();
    }
  });
});
