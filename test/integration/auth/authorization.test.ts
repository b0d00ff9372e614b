import { SignJWT } from 'jose';
import { startTestSubgraph, type TestSubgraph } from '../../helpers/subgraph';
import { startGatewayFor, type TestGateway } from '../../helpers/gateway';

const SECRET = 'a-test-secret-that-is-at-least-32-bytes-long!';
const AUTH = `auth:\n  devKey: false\n  algorithms: [HS256]\n  secrets:\n    - secret: "${SECRET}"\n`;
const token = (claims: Record<string, unknown>): Promise<string> =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('5m').sign(new TextEncoder().encode(SECRET));

const ACCOUNTS = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key", "@authenticated", "@requiresScopes", "@policy"])
type Query { me: User @authenticated users: [User] search: [Result] }
union Result = User | Invoice
type User @key(fields: "id") { id: ID! name: String email: String @requiresScopes(scopes: [["read:email"]]) }
type Invoice @policy(policies: [["role:billing"]]) { id: ID! total: Int }`;

const users = [
  { id: '1', name: 'Ada', email: 'ada@example.com' },
  { id: '2', name: 'Grace', email: 'grace@example.com' },
];

describe('authorization directives at the gateway', () => {
  let accounts: TestSubgraph;
  let gateway: TestGateway;
  let strict: TestGateway;

  beforeAll(async () => {
    accounts = await startTestSubgraph('accounts', ACCOUNTS, {
      Query: { me: () => users[0], users: () => users, search: () => [{ __typename: 'User', ...users[1] }, { __typename: 'Invoice', id: 'i1', total: 42 }] },
      Result: { __resolveType: (r: { __typename: string }) => r.__typename },
    });
    gateway = await startGatewayFor([accounts], AUTH);
    strict = await startGatewayFor([accounts], `${AUTH}authorization:\n  mode: reject\n`);
  });
  afterAll(async () => {
    await gateway.stop();
    await strict.stop();
    await accounts.stop();
  });
  beforeEach(() => {
    accounts.requests.length = 0;
  });

  const QUERY = '{ me { name } users { ...U } search { __typename ... on User { name email } ... on Invoice { total } } } fragment U on User { name email }';
  const unauthorized = (path: Array<string>) => ({ message: 'Unauthorized field or type', path, extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' } });

  it('anonymous: @authenticated, scoped and policy fields come back null with an error each, and never reach the subgraph', async () => {
    const res = await gateway.post(QUERY);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({
      me: null,
      users: [{ name: 'Ada', email: null }, { name: 'Grace', email: null }],
      search: [{ __typename: 'User', name: 'Grace', email: null }, { __typename: 'Invoice', total: null }],
    });
    expect(res.body.errors).toEqual(
      expect.arrayContaining([unauthorized(['me']), unauthorized(['users', 'email']), unauthorized(['search', 'email']), unauthorized(['search', 'total'])]),
    );
    const sent = accounts.requests.map((r) => r.query).join('\n');
    expect(sent).not.toMatch(/\bemail\b|\bme\b|\btotal\b/);
  });

  it('signed in without the scope: me is served, email still is not', async () => {
    const res = await gateway.post(QUERY, undefined, { authorization: `Bearer ${await token({ sub: '1' })}` });
    expect(res.body.data).toMatchObject({ me: { name: 'Ada' }, users: [{ name: 'Ada', email: null }, { name: 'Grace', email: null }] });
    expect(accounts.requests.map((r) => r.query).join('\n')).not.toMatch(/\bemail\b/);
  });

  it('signed in with the scope and the policy claim: everything is served', async () => {
    const res = await gateway.post(QUERY, undefined, { authorization: `Bearer ${await token({ sub: '1', scope: 'read:email', role: 'billing' })}` });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data).toEqual({
      me: { name: 'Ada' },
      users: [{ name: 'Ada', email: 'ada@example.com' }, { name: 'Grace', email: 'grace@example.com' }],
      search: [{ __typename: 'User', name: 'Grace', email: 'grace@example.com' }, { __typename: 'Invoice', total: 42 }],
    });
  });

  it('reject mode refuses the whole operation with 403, calling no subgraph', async () => {
    const res = await strict.post(QUERY);
    expect(res.status).toBe(403);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
    expect(accounts.requests).toHaveLength(0);
  });

  it('answers null for every root field when nothing is left to run', async () => {
    const res = await gateway.post('{ me { name } }');
    expect(res.body).toEqual({ data: { me: null }, errors: [unauthorized(['me'])] });
    expect(accounts.requests).toHaveLength(0);
  });
});
