import { SignJWT } from 'jose';
import { startTestSubgraph, type TestSubgraph } from '../helpers/subgraph';
import { startGatewayFor, type TestGateway } from '../helpers/gateway';

/**
 * Security finding: a field authorization removed must never be written into a response, even when the
 * planner fetches it for another reason (an entity key, a @provides selection) or a cache holds it from an
 * authorized caller. Fixture: `User.email` needs `read:email`, and is also the key another subgraph resolves
 * users by, and a field a third subgraph provides. (A @requires of it cannot leak: composition makes the
 * requiring field carry the same requirement, MISSING_TRANSITIVE_AUTH_REQUIREMENTS.)
 */
const SECRET = 'a-test-secret-that-is-at-least-32-bytes-long!';
const AUTH = `auth:\n  devKey: false\n  algorithms: [HS256]\n  secrets:\n    - secret: "${SECRET}"\n`;
const CACHES = 'cache:\n  response:\n    enabled: true\n  entities:\n    enabled: true\n';
const token = (claims: Record<string, unknown>): Promise<string> =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('5m').sign(new TextEncoder().encode(SECRET));

const LINK = (imports: string[]) => `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: [${imports.map((i) => `"${i}"`).join(', ')}])
enum CacheControlScope @inaccessible { PUBLIC PRIVATE }
directive @cacheControl(maxAge: Int, scope: CacheControlScope, inheritMaxAge: Boolean) on FIELD_DEFINITION | OBJECT | INTERFACE | UNION`;

const users = [
  { id: '1', name: 'Ada', email: 'ada.lovelace.1@example.com' },
  { id: '2', name: 'Grace', email: 'grace.hopper.2@example.com' },
];
const byEmail = (email: string) => users.find((u) => u.email === email);

const ACCOUNTS = `${LINK(['@key', '@requiresScopes', '@inaccessible'])}
type Query { user(id: ID!): User @cacheControl(maxAge: 60) users: [User] @cacheControl(maxAge: 60) }
type User @key(fields: "id") @key(fields: "email") @cacheControl(maxAge: 60) { id: ID! name: String email: String @requiresScopes(scopes: [["read:email"]]) }`;
const GREETINGS = `${LINK(['@key', '@inaccessible'])}
type User @key(fields: "email") @cacheControl(maxAge: 60) { email: String greeting: String }`;
const MAIL = `${LINK(['@key', '@external', '@requires', '@requiresScopes', '@inaccessible'])}
type User @key(fields: "id") @cacheControl(maxAge: 60) { id: ID! email: String @external domain: String @requires(fields: "email") @requiresScopes(scopes: [["read:email"]]) }`;
const REVIEWS = `${LINK(['@key', '@external', '@provides', '@inaccessible'])}
type Query { reviews: [Review] @cacheControl(maxAge: 60) }
type Review @cacheControl(maxAge: 60) { id: ID! body: String author: User @provides(fields: "email") }
type User @key(fields: "id", resolvable: false) { id: ID! email: String @external }`;

const EMAIL = /ada\.lovelace|grace\.hopper/;

describe.each([
  ['junction', ''],
  ['apollo', 'execution:\n  executor: apollo\n'],
])('a field removed by authorization never reaches the response (%s executor, caches on)', (_name, executor) => {
  let subgraphs: TestSubgraph[];
  let gateway: TestGateway;

  beforeAll(async () => {
    subgraphs = [
      await startTestSubgraph('accounts', ACCOUNTS, {
        Query: { user: (_: unknown, { id }: { id: string }) => users.find((u) => u.id === id), users: () => users },
        User: { __resolveReference: (ref: { id?: string; email?: string }) => (ref.id ? users.find((u) => u.id === ref.id) : byEmail(ref.email ?? '')) },
      }),
      await startTestSubgraph('greetings', GREETINGS, {
        User: { __resolveReference: (ref: { email: string }) => ({ email: ref.email, greeting: `Hello, ${byEmail(ref.email)?.name ?? 'stranger'}` }) },
      }),
      await startTestSubgraph('mail', MAIL, {
        User: { __resolveReference: (ref: { id: string; email?: string }) => ({ id: ref.id, domain: ref.email?.split('@')[1] ?? null }) },
      }),
      await startTestSubgraph('reviews', REVIEWS, {
        Query: { reviews: () => users.map((u, i) => ({ id: `r${i}`, body: i === 0 ? 'Great' : 'Fine', author: { id: u.id, email: u.email } })) },
      }),
    ];
    gateway = await startGatewayFor(subgraphs, `${AUTH}${CACHES}${executor}`);
  });
  afterAll(async () => {
    await gateway.stop();
    await Promise.all(subgraphs.map((s) => s.stop()));
  });

  const codes = (errors: Array<{ extensions?: Record<string, unknown> }> | undefined) => (errors ?? []).map((e) => e.extensions?.code);
  const pathsOf = (errors: Array<{ path?: unknown[] }> | undefined) => (errors ?? []).map((e) => (e.path ?? []).join('.'));

  // An authorized caller first: every cache now holds the email addresses.
  const warm = async (query: string) => {
    const res = await gateway.post(query, undefined, { authorization: `Bearer ${await token({ sub: '9', scope: 'read:email' })}` });
    expect(res.body.errors).toBeUndefined();
    expect(JSON.stringify(res.body.data)).toMatch(EMAIL);
  };

  const cases: Array<[string, string, unknown, string[]]> = [
    ['a key field the planner fetches to reach another subgraph', '{ user(id: "1") { email greeting } }', { user: { email: null, greeting: 'Hello, Ada' } }, ['user.email']],
    ['an aliased key field', '{ user(id: "1") { mail: email greeting } }', { user: { mail: null, greeting: 'Hello, Ada' } }, ['user.mail']],
    ['a key field inside a named fragment', '{ user(id: "1") { ...U } } fragment U on User { email greeting }', { user: { email: null, greeting: 'Hello, Ada' } }, ['user.email']],
    ['a key field inside an inline fragment, in a list', '{ users { ... on User { email greeting } } }', { users: [{ email: null, greeting: 'Hello, Ada' }, { email: null, greeting: 'Hello, Grace' }] }, ['users.email']],
    ['a field a @requires needs, and the field requiring it', '{ user(id: "1") { email greeting domain } }', { user: { email: null, greeting: 'Hello, Ada', domain: null } }, ['user.email', 'user.domain']],
    [
      'a nested key field another subgraph @provides',
      '{ reviews { body author { email greeting } } }',
      { reviews: [{ body: 'Great', author: { email: null, greeting: 'Hello, Ada' } }, { body: 'Fine', author: { email: null, greeting: 'Hello, Grace' } }] },
      ['reviews.author.email'],
    ],
  ];

  it.each(cases)('%s: null with UNAUTHORIZED_FIELD_OR_TYPE, the value nowhere in the body', async (_label, query, data, paths) => {
    await warm(query);
    for (let i = 0; i < 2; i++) {
      // Twice: the second answer may come from the response cache.
      const res = await gateway.post(query);
      expect(res.status).toBe(200);
      expect(JSON.stringify(res.body)).not.toMatch(EMAIL);
      expect(res.body.data).toEqual(data);
      expect(codes(res.body.errors)).toEqual(paths.map(() => 'UNAUTHORIZED_FIELD_OR_TYPE'));
      expect(pathsOf(res.body.errors)).toEqual(paths);
    }
  });

  it('a caller with the scope still gets every field', async () => {
    const res = await gateway.post('{ user(id: "1") { email greeting domain } }', undefined, { authorization: `Bearer ${await token({ sub: '1', scope: 'read:email' })}` });
    expect(res.body).toEqual({ data: { user: { email: 'ada.lovelace.1@example.com', greeting: 'Hello, Ada', domain: 'example.com' } } });
  });
});
