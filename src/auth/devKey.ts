import { chmod, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { createFileOnce } from './fileOnce';

/** The development signing key (ES256). `kid` is the RFC 7638 thumbprint of the public key. */
export interface DevKey {
  readonly kid: string;
  readonly privateJwk: Record<string, unknown>;
  readonly publicJwk: Record<string, unknown>;
}

const FILE = 'dev-key.json';

/** `<dir>/dev-key.json`, created (mode 0600) on first use and reused after, so tokens outlive a restart. */
export async function loadOrCreateDevKey(dir: string): Promise<DevKey> {
  const path = join(dir, FILE);
  const existing = await readDevKey(path);
  if (existing) return existing;
  const created = await generateDevKey();
  if (await createFileOnce(dir, FILE, `${JSON.stringify(created, null, 2)}\n`)) return created;
  // Another process created it first: use theirs.
  const raced = await readDevKey(path);
  if (!raced) throw new Error(`${path} could not be read after it was created`);
  return raced;
}

/** A token signed with the development key (default lifetime one hour). */
export async function signDevToken(
  key: DevKey,
  claims: { sub: string; scopes?: readonly string[]; expiresInSec?: number; issuer?: string; audience?: string },
): Promise<string> {
  const { sub, scopes = [], expiresInSec = 3600, issuer, audience } = claims;
  if (sub === '') throw new Error('sub must not be empty');
  if (!Number.isInteger(expiresInSec) || expiresInSec <= 0) throw new Error('expiresInSec must be a positive integer');
  if (scopes.some((scope) => !/^\S+$/.test(scope))) throw new Error('a scope must be non-empty and contain no spaces');
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT(scopes.length > 0 ? { scope: scopes.join(' ') } : {})
    .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'JWT' })
    .setSubject(sub)
    .setIssuedAt(now)
    .setExpirationTime(now + expiresInSec);
  if (issuer !== undefined) jwt.setIssuer(issuer);
  if (audience !== undefined) jwt.setAudience(audience);
  if (!isP256(key.privateJwk, true)) throw new Error('not a development key (an ES256 private JWK)');
  return jwt.sign(await importJWK(key.privateJwk, 'ES256'));
}

async function generateDevKey(): Promise<DevKey> {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const about = { kid, alg: 'ES256', use: 'sig' };
  return { kid, privateJwk: { ...(await exportJWK(privateKey)), ...about }, publicJwk: { ...publicJwk, ...about } };
}

/** The key at `path`; undefined if there is none; throws (rather than replacing it) if the file is not one. */
async function readDevKey(path: string): Promise<DevKey | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return undefined;
    throw err;
  }
  const parsed = parseJson(text);
  if (!isDevKey(parsed) || (await calculateJwkThumbprint(parsed.publicJwk)) !== parsed.kid) {
    throw new Error(`${path} is not a Junction development key (delete it to create a new one)`);
  }
  // A development key other local users can read lets them mint tokens a dev gateway accepts.
  if (((await stat(path)).mode & 0o077) !== 0) await chmod(path, 0o600);
  return parsed;
}

type P256Jwk = JWK & Record<string, unknown>;

function isDevKey(value: unknown): value is DevKey & { privateJwk: P256Jwk; publicJwk: P256Jwk } {
  return isRecord(value) && typeof value.kid === 'string' && isP256(value.privateJwk, true) && isP256(value.publicJwk, false) &&
    value.privateJwk.x === value.publicJwk.x && value.privateJwk.y === value.publicJwk.y;
}

function isP256(jwk: unknown, withPrivatePart: boolean): jwk is P256Jwk {
  return isRecord(jwk) && jwk.kty === 'EC' && jwk.crv === 'P-256' && typeof jwk.x === 'string' && typeof jwk.y === 'string' &&
    (withPrivatePart ? typeof jwk.d === 'string' : !('d' in jwk));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** By shape, not instanceof: errors from node:fs may come from another realm (vm contexts, jest). */
function isErrno(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && err.code === code;
}
