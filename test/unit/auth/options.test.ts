import { generateKeyPairSync } from 'node:crypto';
import { createAuthenticator } from '../../../src/auth';
import { options, testKey } from './helpers';

/** Misconfigurations fail when the authenticator is created (at startup), with a message naming the setting. */
describe('authentication options', () => {
  const rsaPem = (bits = 2048) => generateKeyPairSync('rsa', { modulusLength: bits }).publicKey.export({ type: 'spki', format: 'pem' }).toString();

  it('refuses an empty allowlist, "none" and unknown algorithms', () => {
    const keys = [{ pem: rsaPem(), alg: 'RS256' }];
    expect(() => createAuthenticator(options({ algorithms: [], keys }))).toThrow('authentication.algorithms must list at least one algorithm');
    expect(() => createAuthenticator(options({ algorithms: ['RS256', 'none'], keys }))).toThrow('"none" is not supported');
    expect(() => createAuthenticator(options({ algorithms: ['rs256'], keys }))).toThrow('"rs256" is not supported');
  });

  it('needs a key source that can verify an allowed algorithm', () => {
    expect(() => createAuthenticator(options({}))).toThrow('authentication needs a JWKS url, keys or secrets');
    // Secrets only count for HS algorithms in the allowlist.
    expect(() => createAuthenticator(options({ algorithms: ['RS256'], secrets: [{ secret: 's'.repeat(32) }] }))).toThrow(
      'authentication needs a JWKS url, keys or secrets',
    );
    expect(() => createAuthenticator(options({ algorithms: ['HS256'], jwks: { url: 'https://idp.example.com/jwks', cooldownMs: 1, timeoutMs: 1 } }))).toThrow(
      'authentication needs a JWKS url, keys or secrets',
    );
  });

  it('fetches a JWKS over https only, except from localhost', () => {
    const jwks = (url: string) => options({ jwks: { url, cooldownMs: 30_000, timeoutMs: 5000 } });
    expect(() => createAuthenticator(jwks('http://idp.example.com/jwks'))).toThrow('authentication.jwks.url must be https');
    expect(() => createAuthenticator(jwks('ftp://idp.example.com/jwks'))).toThrow('authentication.jwks.url must be https');
    expect(() => createAuthenticator(jwks('not a url'))).toThrow('authentication.jwks.url is not a URL');
    for (const url of ['https://idp.example.com/jwks', 'http://localhost:9000/jwks', 'http://127.0.0.1:9000/jwks', 'http://[::1]:9000/jwks']) {
      expect(() => createAuthenticator(jwks(url))).not.toThrow();
    }
  });

  it('refuses private keys and symmetric JWKs among the public keys', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => createAuthenticator(options({ algorithms: ['ES256'], keys: [{ pem: privatePem, alg: 'ES256' }] }))).toThrow('authentication.keys[0]: a private key');
    const privateJwk = privateKey.export({ format: 'jwk' });
    expect(() => createAuthenticator(options({ algorithms: ['ES256'], keys: [{ jwk: { ...privateJwk } }] }))).toThrow('authentication.keys[0]: a private key');
    expect(() => createAuthenticator(options({ algorithms: ['HS256'], keys: [{ jwk: { kty: 'oct', k: 'c2VjcmV0' } }] }))).toThrow(
      'a symmetric key; HMAC secrets go in authentication.secrets',
    );
  });

  it('refuses keys that are not keys, too weak, or for another algorithm', async () => {
    expect(() => createAuthenticator(options({ keys: [{ pem: 'not a pem', alg: 'RS256' }] }))).toThrow('authentication.keys[0]: not a valid public key');
    expect(() => createAuthenticator(options({ keys: [{ jwk: { kty: 'RSA', n: 'x' } }] }))).toThrow('authentication.keys[0]: not a valid public key');
    expect(() => createAuthenticator(options({ keys: [{ pem: rsaPem(1024), alg: 'RS256' }] }))).toThrow('RSA keys must be at least 2048 bits');
    const ec = await testKey('ec', 'ES256');
    expect(() => createAuthenticator(options({ algorithms: ['RS256', 'ES256'], keys: [{ jwk: { ...ec.jwk, alg: 'RS256' } }] }))).toThrow('cannot verify RS256');
    expect(() => createAuthenticator(options({ algorithms: ['RS256'], keys: [{ jwk: { ...ec.jwk } }] }))).toThrow('authentication.keys[0] verifies none of authentication.algorithms');
    expect(() => createAuthenticator(options({ algorithms: ['ES256'], keys: [{ jwk: { ...ec.jwk, use: 'enc' } }] }))).toThrow('not a signing key');
  });

  it('refuses HMAC secrets shorter than 32 bytes, without repeating them', () => {
    const create = () => createAuthenticator(options({ algorithms: ['HS256'], secrets: [{ secret: 'hunter2' }] }));
    expect(create).toThrow('authentication.secrets[0]: HMAC secrets must be at least 32 bytes');
    expect(create).not.toThrow('hunter2');
  });

  it('refuses nonsensical limits', () => {
    const keys = [{ pem: rsaPem(), alg: 'RS256' }];
    expect(() => createAuthenticator(options({ keys, maxTokenBytes: 0 }))).toThrow('maxTokenBytes must be a positive integer');
    expect(() => createAuthenticator(options({ keys, clockToleranceSec: -1 }))).toThrow('clockToleranceSec must be 0 or more');
    expect(() => createAuthenticator(options({ keys, header: '' }))).toThrow('authentication.header must name a header');
  });
});
