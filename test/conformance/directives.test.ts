import { entityFetches, link, startFederation, type Federation } from './federation';

// User is keyed by an @inaccessible internalId; tier is @inaccessible yet required by reviews' discount.
// name is @shareable between accounts and directory, as is the root field `ping`.
const USERS: Record<string, { name: string; email: string; tier: string }> = {
  'int-7': { name: 'Ada', email: 'ada@example.com', tier: 'gold' },
  'int-9': { name: 'Grace', email: 'grace@example.com', tier: 'basic' },
};
const REVIEWS = [
  { body: 'Great', author: 'int-9' },
  { body: 'Fine', author: 'int-7' },
];
const userRef = (ref: { internalId: string }) => ({ internalId: ref.internalId, ...USERS[ref.internalId] });

let fed: Federation;

beforeAll(async () => {
  fed = await startFederation({
    accounts: {
      sdl: `${link(['@key', '@shareable', '@inaccessible'])}
        type Query { me: User ping: String! @shareable }
        type User @key(fields: "internalId") { internalId: ID! @inaccessible name: String! @shareable email: String! tier: String! @inaccessible }`,
      resolvers: {
        Query: { me: () => userRef({ internalId: 'int-7' }), ping: () => 'pong' },
        User: { __resolveReference: userRef },
      },
    },
    directory: {
      sdl: `${link(['@key', '@shareable', '@inaccessible'])}
        type Query { ping: String! @shareable }
        type User @key(fields: "internalId") { internalId: ID! @inaccessible name: String! @shareable }`,
      resolvers: { Query: { ping: () => 'pong' }, User: { __resolveReference: userRef } },
    },
    reviews: {
      sdl: `${link(['@key', '@inaccessible', '@external', '@requires'])}
        type Query { reviews: [Review!]! }
        type Review { body: String! author: User! }
        type User @key(fields: "internalId") {
          internalId: ID! @inaccessible
          tier: String! @external
          discount: Int! @requires(fields: "tier")
          reviews: [Review!]!
        }`,
      resolvers: {
        Query: { reviews: () => REVIEWS.map((r) => ({ body: r.body, author: { internalId: r.author } })) },
        User: {
          __resolveReference: (ref: { internalId: string; tier?: string }) => ref,
          discount: (u: { tier: string }) => (u.tier === 'gold' ? 15 : 0),
          reviews: (u: { internalId: string }) => REVIEWS.filter((r) => r.author === u.internalId).map((r) => ({ body: r.body, author: { internalId: r.author } })),
        },
      },
    },
  });
});

afterAll(() => fed?.stop());
beforeEach(() => fed.clearRequests());

const requestCount = () => Object.values(fed.subgraphs).reduce((n, s) => n + s.requests.length, 0);

describe('@inaccessible', () => {
  test('an @inaccessible field cannot be queried: HTTP 400, GRAPHQL_VALIDATION_FAILED, no subgraph called', async () => {
    const res = await fed.gateway.post('{ me { tier } }');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      errors: [{ message: 'Cannot query field "tier" on type "User".', locations: [{ line: 1, column: 8 }], extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }],
    });
    expect(requestCount()).toBe(0);
  });

  test('an @inaccessible key field cannot be queried either', async () => {
    const res = await fed.gateway.post('{ me { name internalId } }');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      errors: [{ message: 'Cannot query field "internalId" on type "User".', locations: [{ line: 1, column: 13 }], extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }],
    });
  });

  test('introspection does not show @inaccessible fields', async () => {
    const res = await fed.gateway.post('{ __type(name: "User") { fields { name } } }');
    expect(res.body).toEqual({ data: { __type: { fields: [{ name: 'name' }, { name: 'email' }, { name: 'discount' }, { name: 'reviews' }] } } });
  });

  test('an @inaccessible key still joins subgraphs internally', async () => {
    const res = await fed.gateway.post('{ reviews { body author { email } } }');
    expect(res.body).toEqual({
      data: { reviews: [{ body: 'Great', author: { email: 'grace@example.com' } }, { body: 'Fine', author: { email: 'ada@example.com' } }] },
    });
    expect(entityFetches(fed.subgraph('accounts'))).toEqual([
      [
        { __typename: 'User', internalId: 'int-9' },
        { __typename: 'User', internalId: 'int-7' },
      ],
    ]);
  });

  test('an @inaccessible field is still sent to the subgraph that @requires it', async () => {
    const res = await fed.gateway.post('{ me { name discount } }');
    expect(res.body).toEqual({ data: { me: { name: 'Ada', discount: 15 } } });
    expect(entityFetches(fed.subgraph('reviews'))).toEqual([[{ __typename: 'User', internalId: 'int-7', tier: 'gold' }]]);
  });
});

describe('@skip and @include with variables', () => {
  const query = 'query Me($withReviews: Boolean!, $hideEmail: Boolean!) { me { name email @skip(if: $hideEmail) reviews @include(if: $withReviews) { body } } }';

  test('@include(if: true) and @skip(if: false) keep the fields, fetching the other subgraph', async () => {
    const res = await fed.gateway.post(query, { withReviews: true, hideEmail: false });
    expect(res.body).toEqual({ data: { me: { name: 'Ada', email: 'ada@example.com', reviews: [{ body: 'Fine' }] } } });
    expect(fed.subgraph('reviews').requests).toHaveLength(1);
  });

  test('@include(if: false) and @skip(if: true) drop the fields and the fetch they needed', async () => {
    const res = await fed.gateway.post(query, { withReviews: false, hideEmail: true });
    expect(res.body).toEqual({ data: { me: { name: 'Ada' } } });
    expect(fed.subgraph('reviews').requests).toHaveLength(0);
  });

  test('the same operation alternating true and false answers each value correctly', async () => {
    for (const withReviews of [true, false, true]) {
      const res = await fed.gateway.post(query, { withReviews, hideEmail: withReviews });
      expect(res.body).toEqual({ data: { me: withReviews ? { name: 'Ada', reviews: [{ body: 'Fine' }] } : { name: 'Ada', email: 'ada@example.com' } } });
    }
    expect(fed.subgraph('reviews').requests).toHaveLength(2);
  });

  test('a variable default applies when the variable is not given', async () => {
    const res = await fed.gateway.post('query($r: Boolean = false) { me { name reviews @include(if: $r) { body } } }');
    expect(res.body).toEqual({ data: { me: { name: 'Ada' } } });
    expect(fed.subgraph('reviews').requests).toHaveLength(0);
  });

  test('@include on a fragment spread of an entity field', async () => {
    const res = await fed.gateway.post('query($d: Boolean!) { me { name ...D @include(if: $d) } } fragment D on User { discount }', { d: true });
    expect(res.body).toEqual({ data: { me: { name: 'Ada', discount: 15 } } });
  });
});

describe('@shareable', () => {
  test('a field two subgraphs can resolve is answered once and right, from either of them', async () => {
    const res = await fed.gateway.post('{ reviews { author { name } } }');
    expect(res.body).toEqual({ data: { reviews: [{ author: { name: 'Grace' } }, { author: { name: 'Ada' } }] } });
    const entityCalls = entityFetches(fed.subgraph('accounts')).length + entityFetches(fed.subgraph('directory')).length;
    expect(entityCalls).toBe(1);
  });

  test('a @shareable field the root subgraph has is taken from it without another fetch', async () => {
    const res = await fed.gateway.post('{ me { name email } }');
    expect(res.body).toEqual({ data: { me: { name: 'Ada', email: 'ada@example.com' } } });
    expect(requestCount()).toBe(1);
  });

  test('a @shareable root field is answered by exactly one of the subgraphs defining it', async () => {
    const res = await fed.gateway.post('{ ping }');
    expect(res.body).toEqual({ data: { ping: 'pong' } });
    expect(requestCount()).toBe(1);
  });
});
