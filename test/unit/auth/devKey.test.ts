import { chmodSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeProtectedHeader, importJWK, jwtVerify } from 'jose';
import { createAuthenticator, loadOrCreateDevKey, signDevToken } from '../../../src/auth';
import { asJwk, bearer, options } from './helpers';

const freshDir = () => join(mkdtempSync(join(tmpdir(), 'junction-devkey-')), '.junction');
const mode = (path: string) => statSync(path).mode & 0o777;

describe('development key', () => {
  it('is created once, with mode 0600, and reused after', async () => {
    const dir = freshDir();
    const first = await loadOrCreateDevKey(dir);
    const file = join(dir, 'dev-key.json');
    expect(mode(file)).toBe(0o600);
    const written = readFileSync(file, 'utf8');
    const second = await loadOrCreateDevKey(dir);
    expect(second).toEqual(first);
    expect(readFileSync(file, 'utf8')).toBe(written);
    expect(readdirSync(dir)).toEqual(['dev-key.json']);
    expect(first.publicJwk).not.toHaveProperty('d');
    expect(first.publicJwk).toMatchObject({ kty: 'EC', crv: 'P-256', kid: first.kid, alg: 'ES256' });
  });

  it('is one key when several processes create it at once', async () => {
    const dir = freshDir();
    const keys = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateDevKey(dir)));
    expect(new Set(keys.map((key) => key.kid)).size).toBe(1);
    expect((await loadOrCreateDevKey(dir)).kid).toBe(keys[0]?.kid);
    expect(readdirSync(dir)).toEqual(['dev-key.json']);
  });

  it('signs tokens that verify with its public JWK', async () => {
    const key = await loadOrCreateDevKey(freshDir());
    const token = await signDevToken(key, { sub: 'alice', scopes: ['read', 'write'], expiresInSec: 600, issuer: 'junction-dev', audience: 'junction' });
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', kid: key.kid, typ: 'JWT' });
    const { payload } = await jwtVerify(token, await importJWK(asJwk(key.publicJwk), 'ES256'), { issuer: 'junction-dev', audience: 'junction' });
    expect(payload).toMatchObject({ sub: 'alice', scope: 'read write' });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(600);
  });

  it('is accepted by an authenticator configured with its public JWK', async () => {
    const key = await loadOrCreateDevKey(freshDir());
    const auth = createAuthenticator(options({ algorithms: ['ES256'], keys: [{ jwk: key.publicJwk }] }));
    const principal = await auth.authenticate(bearer(await signDevToken(key, { sub: 'bob', scopes: ['reviews:write'] })));
    expect(principal).toMatchObject({ sub: 'bob', scopes: ['reviews:write'] });
    const other = await loadOrCreateDevKey(freshDir());
    // Another checkout's dev key (another kid) is not trusted.
    await expect(auth.authenticate(bearer(await signDevToken(other, { sub: 'bob' })))).rejects.toThrow('no key matches the token');
  });

  it('refuses bad claims', async () => {
    const key = await loadOrCreateDevKey(freshDir());
    await expect(signDevToken(key, { sub: '' })).rejects.toThrow('sub must not be empty');
    await expect(signDevToken(key, { sub: 'a', expiresInSec: 0 })).rejects.toThrow('expiresInSec must be a positive integer');
    await expect(signDevToken(key, { sub: 'a', scopes: ['read write'] })).rejects.toThrow('a scope must be non-empty and contain no spaces');
  });

  it('is neither used nor replaced when the file is not a key', async () => {
    const dir = freshDir();
    await loadOrCreateDevKey(dir);
    const file = join(dir, 'dev-key.json');
    writeFileSync(file, '{"kid":"x"}');
    await expect(loadOrCreateDevKey(dir)).rejects.toThrow(`${file} is not a Junction development key (delete it to create a new one)`);
    expect(readFileSync(file, 'utf8')).toBe('{"kid":"x"}');
  });

  it('refuses a file whose kid does not match its key', async () => {
    const dir = freshDir();
    const key = await loadOrCreateDevKey(dir);
    const file = join(dir, 'dev-key.json');
    writeFileSync(file, JSON.stringify({ ...key, kid: 'forged' }));
    await expect(loadOrCreateDevKey(dir)).rejects.toThrow('is not a Junction development key');
  });

  it('tightens a key file others can read back to 0600', async () => {
    const dir = freshDir();
    const key = await loadOrCreateDevKey(dir);
    const file = join(dir, 'dev-key.json');
    chmodSync(file, 0o644);
    expect((await loadOrCreateDevKey(dir)).kid).toBe(key.kid);
    expect(mode(file)).toBe(0o600);
  });
});
