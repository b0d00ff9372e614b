import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload, type KeyLike } from 'jose';
import { AuthenticationError, type AuthenticationOptions, type HeaderReader } from '../../../src/auth';

/** A signing key pair; `jwk` is the public half as a JWKS would publish it. */
export interface TestKey {
  readonly kid: string;
  readonly alg: string;
  readonly privateKey: KeyLike;
  readonly publicKey: KeyLike;
  readonly jwk: Jwk;
}

/** A JWK that is also a plain record (what AuthenticationOptions.keys and DevKey carry). */
export type Jwk = JWK & Record<string, unknown>;

/** Narrows a DevKey's JWK record for jose's importJWK. */
export function asJwk(value: Record<string, unknown>): Jwk {
  if (typeof value.kty !== 'string') throw new Error('not a JWK');
  return { ...value, kty: value.kty };
}

export async function testKey(kid: string, alg = 'RS256'): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

export const now = (): number => Math.floor(Date.now() / 1000);

/** A token signed with `key`; claims default to a valid one-hour token for "user-1". */
export async function sign(
  key: { privateKey: KeyLike | Uint8Array; alg: string; kid?: string | undefined },
  claims: JWTPayload = {},
): Promise<string> {
  return new SignJWT({ sub: 'user-1', iat: now(), exp: now() + 3600, ...claims })
    .setProtectedHeader({ alg: key.alg, ...(key.kid !== undefined ? { kid: key.kid } : {}) })
    .sign(key.privateKey);
}

/** What Node hands a server: lower-cased header names (a reader that is not case-insensitive by itself). */
export function incoming(headers: Record<string, string>): HeaderReader {
  return { get: (name) => headers[name] };
}

export const bearer = (token: string): HeaderReader => incoming({ authorization: `Bearer ${token}` });

export function options(overrides: Partial<AuthenticationOptions>): AuthenticationOptions {
  return { header: 'authorization', prefix: 'Bearer ', require: false, algorithms: ['RS256'], clockToleranceSec: 0, maxTokenBytes: 8192, ...overrides };
}

/** The client's view of a refusal: UNAUTHENTICATED with exactly this message, and nothing of the token in it. */
export async function expectRefused(attempt: Promise<unknown>, message: string, token?: string): Promise<void> {
  const err: unknown = await attempt.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AuthenticationError);
  expect(err).toMatchObject({ code: 'UNAUTHENTICATED', message });
  if (token) for (const part of token.split('.').filter((p) => p.length > 8)) expect(String((err as Error).message)).not.toContain(part);
}

/** base64url(JSON) for hand-made tokens. */
export const segment = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
