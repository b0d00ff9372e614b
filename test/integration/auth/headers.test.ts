import { SignJWT } from 'jose';
import { startTestSubgraph, type TestSubgraph } from '../../helpers/subgraph';
import { startGatewayFor, type TestGateway } from '../../helpers/gateway';

const fed = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';
const SECRET = 'a-test-secret-that-is-at-least-32-bytes-long!';

describe('header propagation rules', () => {
  let a: TestSubgraph;
  let b: TestSubgraph;
  let gateway: TestGateway;

  beforeAll(async () => {
    a = await startTestSubgraph('a', `${fed} type Query { a: String }`, { Query: { a: () => 'A' } });
    b = await startTestSubgraph('b', `${fed} type Query { b: String }`, { Query: { b: () => 'B' } });
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
