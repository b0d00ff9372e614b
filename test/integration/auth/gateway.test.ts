import { SignJWT } from 'jose';
import { loadConfig } from '../../../src/config';
import { startTestSubgraph, type TestSubgraph } from '../../helpers/subgraph';
import { startGatewayFor, type TestGateway } from '../../helpers/gateway';

const fed = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';
const SECRET = 'a-test-secret-that-is-at-least-32-bytes-long!';

const sign = (claims: Record<string, unknown>, expiresIn: string | number = '5m', secret = SECRET): Promise<string> =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime(expiresIn).sign(new TextEncoder().encode(secret));

describe('authentication at the gateway', () => {
  let subgraph: TestSubgraph;
  let gateway: TestGateway;
  let strict: TestGateway;

  beforeAll(async () => {
    subgraph = await startTestSubgraph('s', `${fed} type Query { hello: String }`, { Query: { hello: () => 'hi' } });
    const auth = `auth:\n  devKey: false\n  algorithms: [HS256]\n  secrets:\n    - secret: "${SECRET}"\n`;
    gateway = await startGatewayFor([subgraph], auth);
    strict = await startGatewayFor([subgraph], `${auth}  require: true\n`);
  });
  afterAll(async () => {
    await gateway.stop();
    await strict.stop();
    await subgraph.stop();
  });
  beforeEach(() => {
    subgraph.requests.length = 0;
  });

  it('serves a request with a valid token', async () => {
    const res = await gateway.post('{ hello }', undefined, { authorization: `Bearer ${await sign({ sub: 'u1', scope: 'read' })}` });
    expect(res.body).toEqual({ data: { hello: 'hi' } });
  });

  it('serves a request without a token as anonymous', async () => {
    expect((await gateway.post('{ hello }')).body).toEqual({ data: { hello: 'hi' } });
  });

  const cases: Array<[string, () => Promise<string>, string]> = [
    ['an expired token', () => sign({ sub: 'u1' }, Math.floor(Date.now() / 1000) - 3600), 'Unauthenticated: token expired.'],
    ['a token signed with another key', () => sign({ sub: 'u1' }, '5m', 'another-secret-that-is-also-32-bytes-long!!'), 'Unauthenticated: signature invalid.'],
    ['a malformed token', async () => 'not.a-token', 'Unauthenticated: malformed token.'],
    ['an alg:none token', async () => `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"admin"}').toString('base64url')}.`, 'Unauthenticated: algorithm not allowed.'],
    ['an oversized token', async () => 'a'.repeat(9000), 'Unauthenticated: token too large.'],
  ];

  it.each(cases)('refuses %s with 401 UNAUTHENTICATED and calls no subgraph', async (_title, token, message) => {
    const res = await gateway.post('{ hello }', undefined, { authorization: `Bearer ${await token()}` });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(res.body).toEqual({ errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] });
    expect(subgraph.requests).toHaveLength(0);
  });

  it('forwards the caller\'s claims to subgraphs as extensions.jwt.payload, and nothing for anonymous callers', async () => {
    await gateway.post('{ hello }', undefined, { authorization: `Bearer ${await sign({ sub: 'u1', scope: 'read', tenant: 't9' })}` });
    const forwarded = subgraph.requests[0] as { extensions?: { jwt?: { payload?: Record<string, unknown> } } };
    expect(forwarded.extensions?.jwt?.payload).toMatchObject({ sub: 'u1', scope: 'read', tenant: 't9' });
    subgraph.requests.length = 0;
    await gateway.post('{ hello }');
    expect((subgraph.requests[0] as { extensions?: unknown }).extensions).toBeUndefined();
  });

  it('refuses a request without a token when auth.require is on', async () => {
    const res = await strict.post('{ hello }');
    expect(res.status).toBe(401);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(subgraph.requests).toHaveLength(0);
  });
});

describe('the development key', () => {
  it('is refused in production', () => {
    const file = require('../../helpers/gateway').writeTemp('gateway.yaml', 'auth:\n  devKey: true\n') as string;
    expect(loadConfig({ file, env: { NODE_ENV: 'production' } })).toEqual({ ok: false, problems: ['auth.devKey: the development key is refused in production'] });
    const defaults = loadConfig({ env: { NODE_ENV: 'production' } });
    expect(defaults.ok && defaults.value.auth.devKey).toBe(false);
  });
});
