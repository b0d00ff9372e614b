import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importJWK, jwtVerify } from 'jose';
import { loadOrCreateDevKey } from '../../../src/auth';
import { defaultDevKeyDir, tokenCommand } from '../../../src/cli/token';
import { UsageError } from '../../../src/cli/usage';
import { asJwk } from './helpers';

describe('junction token', () => {
  let printed: string[];
  beforeEach(() => {
    printed = [];
    jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void printed.push(args.join(' ')));
  });
  afterEach(() => jest.restoreAllMocks());

  const dir = () => join(mkdtempSync(join(tmpdir(), 'junction-token-')), '.junction');

  it('prints only a token signed with the dev key in --dir', async () => {
    const keyDir = dir();
    expect(await tokenCommand(['--sub', 'alice', '--scopes', 'products:read  reviews:write', '--expires', '600', '--dir', keyDir])).toBe(0);
    expect(printed).toHaveLength(1);
    const key = await loadOrCreateDevKey(keyDir);
    const { payload } = await jwtVerify(printed[0] ?? '', await importJWK(asJwk(key.publicJwk), 'ES256'));
    expect(payload).toMatchObject({ sub: 'alice', scope: 'products:read reviews:write' });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(600);
  });

  it('adds issuer and audience when asked, and defaults to one hour', async () => {
    const keyDir = dir();
    expect(await tokenCommand(['--sub', 'bob', '--issuer', 'junction-dev', '--audience', 'junction', '--dir', keyDir])).toBe(0);
    const key = await loadOrCreateDevKey(keyDir);
    const { payload } = await jwtVerify(printed[0] ?? '', await importJWK(asJwk(key.publicJwk), 'ES256'), { issuer: 'junction-dev', audience: 'junction' });
    expect(payload).not.toHaveProperty('scope');
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(3600);
  });

  it('reports usage errors (exit 2)', async () => {
    const keyDir = dir();
    await expect(tokenCommand(['--dir', keyDir])).rejects.toThrow(new UsageError('token needs --sub <id>'));
    for (const expires of ['soon', '0', '-5', '1.5']) {
      await expect(tokenCommand(['--sub', 'a', '--expires', expires, '--dir', keyDir])).rejects.toThrow(UsageError);
    }
    await expect(tokenCommand(['--sub', 'a', '--admin'])).rejects.toThrow(UsageError);
    await expect(tokenCommand(['--sub', 'a', 'extra'])).rejects.toThrow(UsageError);
    expect(printed).toEqual([]);
  });

  it('keeps the dev key in .junction at the package root by default', () => {
    expect(defaultDevKeyDir()).toBe(join(__dirname, '../../../.junction'));
  });
});
