import { request } from 'node:http';
import { SignJWT } from 'jose';
import { startTestSubgraph, type TestSubgraph } from '../../helpers/subgraph';
import { startGatewayFor, type TestGateway } from '../../helpers/gateway';

const fed = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';
const SECRET = 'a-test-secret-that-is-at-least-32-bytes-long!';

/** Subgraphs `a` and `b`, one root field each, recording the headers they receive. */
async function twoSubgraphs(): Promise<[TestSubgraph, TestSubgraph]> {
  return [
    await startTestSubgraph('a', `${fed} type Query { a: String }`, { Query: { a: () => 'A' } }),
    await startTestSubgraph('b', `${fed} type Query { b: String }`, { Query: { b: () => 'B' } }),
  ];
}

describe('header propagation rules', () => {
  let a: TestSubgraph;
  let b: TestSubgraph;
  let gateway: TestGateway;

  beforeAll(async () => {
    [a, b] = await twoSubgraphs();
    gateway = await startGatewayFor(
      [a, b],
      `auth:
  devKey: false
  algorithms: [HS256]
  secrets:
    - secret: "${SECRET}"
headers:
  all:
    - propagate: { named: x-tenant }
    - propagate: { named: x-request-id, rename: x-correlation-id }
    - propagate: { matching: "^x-client-" }
    - insert: { name: x-gateway, value: junction }
    - insert: { name: x-user-tenant, fromClaim: tenant }
    - propagate: { matching: ".*" }
    - remove: { named: authorization }
    - remove: { named: cookie }
  subgraphs:
    b:
      - remove: { matching: "^x-client-" }
`,
    );
  });
  afterAll(async () => {
    await gateway.stop();
    await Promise.all([a.stop(), b.stop()]);
  });

  it('propagates, renames, inserts and removes per subgraph, and never forwards framing or identity headers', async () => {
    const token = await new SignJWT({ sub: 'u1', tenant: 't9' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('5m').sign(new TextEncoder().encode(SECRET));
    const res = await gateway.post('{ a b }', undefined, {
      authorization: `Bearer ${token}`,
      'x-tenant': 'acme',
      'x-request-id': 'r-1',
      'x-client-version': '7.1',
      'x-junction-identity': 'forged',
      accept: 'application/json',
    });
    expect(res.body).toEqual({ data: { a: 'A', b: 'B' } });
    const toA = a.headers[0] ?? {};
    const toB = b.headers[0] ?? {};
    expect(toA).toMatchObject({ 'x-tenant': 'acme', 'x-correlation-id': 'r-1', 'x-client-version': '7.1', 'x-gateway': 'junction', 'x-user-tenant': 't9' });
    expect(toB).toMatchObject({ 'x-tenant': 'acme', 'x-gateway': 'junction', 'x-user-tenant': 't9' });
    expect(toB['x-client-version']).toBeUndefined();
    for (const sent of [toA, toB]) {
      expect(sent.authorization).toBeUndefined();
      expect(sent['x-junction-identity']).not.toBe('forged');
      // The gateway's own framing headers win over a blanket "propagate everything".
      expect(sent.accept).toBe('application/graphql-response+json, application/json');
      expect(sent['content-type']).toBe('application/json');
    }
  });

  it('refuses an invalid rule at start with its location', () => {
    const { testConfig } = require('../../helpers/gateway') as typeof import('../../helpers/gateway');
    expect(() => testConfig('headers:\n  all:\n    - propagate: { matching: "(" }\n')).toThrow(/not a valid regular expression/);
  });
});

/** A POST through node:http, which (unlike fetch) lets the test send a Connection header of its choosing. */
function rawPost(url: string, headers: Record<string, string>, body: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe("header rules never forward Junction's secrets or hop-by-hop headers", () => {
  const BYPASS = 'bypass-secret-0123456789';
  const ADMIN = 'admin-token-0123456789abcdef0123456789';
  const METRICS = 'metrics-token-0123456789';
  let a: TestSubgraph;
  let b: TestSubgraph;
  let gateway: TestGateway;

  beforeAll(async () => {
    [a, b] = await twoSubgraphs();
    gateway = await startGatewayFor(
      [a, b],
      `auth:
  devKey: false
persistedQueries:
  bypass:
    header: { name: x-junction-bypass, value: ${BYPASS} }
admin:
  token: { value: ${ADMIN} }
metrics:
  token: { value: ${METRICS} }
headers:
  subgraphs:
    a:
      - propagate: { matching: "^x-" }
      - propagate: { named: x-junction-bypass }
      - propagate: { named: x-junction-bypass, rename: x-bypass-copy }
      - propagate: { named: x-foo }
      - propagate: { matching: ".*" }
    b:
      - propagate: { named: authorization }
      - propagate: { named: cookie }
`,
    );
  });
  afterAll(async () => {
    await gateway.stop();
    await Promise.all([a.stop(), b.stop()]);
  });

  it('keeps the persisted-operations bypass secret from every subgraph, under `matching` and under `named`', async () => {
    const res = await gateway.post('{ a }', undefined, { 'x-junction-bypass': BYPASS, 'x-tenant': 'acme' });
    expect(res.body).toEqual({ data: { a: 'A' } });
    const toA = a.headers.at(-1) ?? {};
    expect(toA['x-tenant']).toBe('acme');
    expect(JSON.stringify(toA)).not.toContain(BYPASS);
  });

  it("does not forward a header the client's Connection header names", async () => {
    const res = await rawPost(gateway.url, { connection: 'x-foo', 'x-foo': 'hop-by-hop', 'x-bar': 'end-to-end' }, { query: '{ a }' });
    expect(JSON.parse(res.body)).toEqual({ data: { a: 'A' } });
    const toA = a.headers.at(-1) ?? {};
    expect(toA['x-bar']).toBe('end-to-end');
    expect(toA['x-foo']).toBeUndefined();
  });

  it('forwards credentials only where a rule names them, and never the admin or metrics token', async () => {
    await gateway.post('{ a b }', undefined, { authorization: 'Bearer user-token', cookie: 'session=s1' });
    expect(a.headers.at(-1)?.authorization).toBeUndefined();
    expect(a.headers.at(-1)?.cookie).toBeUndefined();
    expect(b.headers.at(-1)).toMatchObject({ authorization: 'Bearer user-token', cookie: 'session=s1' });
    for (const secret of [ADMIN, METRICS]) {
      const res = await gateway.post('{ b }', undefined, { authorization: `Bearer ${secret}` });
      expect(res.body).toEqual({ data: { b: 'B' } });
      expect(b.headers.at(-1)?.authorization).toBeUndefined();
    }
  });
});

