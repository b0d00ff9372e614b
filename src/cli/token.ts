import { join } from 'node:path';
import { loadOrCreateDevKey, signDevToken } from '../auth';
import { packageRoot } from '../config';
import { parse } from './args';
import { UsageError } from './usage';

export const TOKEN_OPTIONS = {
  sub: { type: 'string' },
  scopes: { type: 'string' },
  expires: { type: 'string' },
  issuer: { type: 'string' },
  audience: { type: 'string' },
  dir: { type: 'string' },
} as const;

/**
 * `junction token --sub <id> [--scopes "<a b>"] [--expires <seconds>] [--issuer <iss>] [--audience <aud>] [--dir <dir>]`:
 * prints (alone on stdout, for `$(junction token …)`) a token signed with the development key in `<dir>`,
 * created there on first use.
 */
export async function tokenCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, TOKEN_OPTIONS, false);
  if (!values.sub) throw new UsageError('token needs --sub <id>');
  const expiresInSec = values.expires === undefined ? undefined : secondsOption(values.expires);
  const scopes = values.scopes?.split(/\s+/).filter((scope) => scope !== '') ?? [];
  const key = await loadOrCreateDevKey(values.dir ?? defaultDevKeyDir());
  console.log(await signDevToken(key, { sub: values.sub, scopes, expiresInSec, issuer: values.issuer, audience: values.audience }));
  return 0;
}

function secondsOption(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) === 0 || !Number.isSafeInteger(Number(value))) {
    throw new UsageError(`--expires must be a positive number of seconds, got "${value}"`);
  }
  return Number(value);
}

/** `.junction` at the package root (git-ignored): where `serve` finds the same development key. */
export function defaultDevKeyDir(): string {
  return join(packageRoot(), '.junction');
}
