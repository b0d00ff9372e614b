import { SignJWT } from 'jose';
import { principalKey } from '../../src/cache';
import { startTestSubgraph, type TestSubgraph } from '../helpers/subgraph';
import { startGatewayFor, type TestGateway } from '../helpers/gateway';

/**
 * Security finding: authorization decisions and plans are cached per caller class. A key that joins scopes
 * with spaces lets a token with the single scope "read:email x" reuse the decision made for the two scopes
 * "read:email" and "x" — and read what only the first may see.
 */
const SECRET = 'a-test-secret-that-is-at-least-32-bytes-long!';
const AUTH = `auth:\n  devKey: false\n  algorithms: [HS256]\n  secrets:\n    - secret: "${SECRET}"\n`;
const token = (claims: Record<string, unknown>): Promise<string> =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('5m').sign(new TextEncoder().encode(SECRET));

const ACCOUNTS = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key", "@requiresScopes"])
type Query { users: [User] }
type User @key(fields: "id") { id: ID! name: String email: String @requiresScopes(scopes: [["read:email"]]) }`;

describe('authorization cache keys are unambiguous', () => {
  let accounts: TestSubgraph;
  let gateway: TestGateway;

  beforeAll(async () => {
    accounts = await startTestSubgraph('accounts', ACCOUNTS, {
      Query: { users: () => [{ id: '1', name: 'Ada', email: 'ada@example.com' }] },
    });
    gateway = await startGatewayFor([accounts], AUTH);
  });
  afterAll(async () => {
    await gateway.stop();
    await accounts.stop();
  });

  it('a scope holding a space does not reuse the decision made for the two scopes it spells', async () => {
    const two = await gateway.post('{ users { name email } }', undefined, { authorization: `Bearer ${await token({ sub: 'a', scp: ['read:email', 'x'] })}` });
    expect(two.body).toEqual({ data: { users: [{ name: 'Ada', email: 'ada@example.com' }] } });
    const one = await gateway.post('{ users { name email } }', undefined, { authorization: `Bearer ${await token({ sub: 'b', scp: ['read:email x'] })}` });
    expect(one.body.data).toEqual({ users: [{ name: 'Ada', email: null }] });
    expect(one.body.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHORIZED_FIELD_OR_TYPE']);
  });

  it('the reverse order of first use gives the same answers', async () => {
    const one = await gateway.post('{ users { email name } }', undefined, { authorization: `Bearer ${await token({ sub: 'b', scp: ['read:email x'] })}` });
    expect(one.body.data).toEqual({ users: [{ email: null, name: 'Ada' }] });
    const two = await gateway.post('{ users { email name } }', undefined, { authorization: `Bearer ${await token({ sub: 'a', scp: ['x', 'read:email'] })}` });
    expect(two.body).toEqual({ data: { users: [{ email: 'ada@example.com', name: 'Ada' }] } });
  });

  it('the private-cache principal id does not collide across issuer and subject boundaries', () => {
    const a = principalKey({ sub: 'b\u0000c', claims: { iss: 'a' } });
    const b = principalKey({ sub: 'c', claims: { iss: 'a\u0000b' } });
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(b).toMatch(/^[0-9a-f]{32}$/);
    expect(a).not.toEqual(b);
  });
});
