import { entityFetches, link, startFederation, type Federation } from './federation';

// accounts owns User; reviews adds User.reviews and points at Product; products owns Product and
// points back at User (createdBy): accounts → reviews → products → accounts.
const USERS = [
  { id: 'u1', name: 'Ada' },
  { id: 'u2', name: 'Grace' },
];
const PRODUCTS = [
  { upc: 'p1', name: 'Lamp', cents: 1999, createdBy: 'u2' },
  { upc: 'p2', name: 'Desk', cents: 15000, createdBy: 'u1' },
];
const REVIEWS: Record<string, Array<{ body: string; upc: string }>> = {
  u1: [
    { body: 'Bright', upc: 'p1' },
    { body: 'Sturdy', upc: 'p2' },
    { body: 'Gone now', upc: 'p-deleted' },
  ],
  u2: [{ body: 'Wobbly', upc: 'p2' }],
};

let fed: Federation;

beforeAll(async () => {
  fed = await startFederation({
    accounts: {
      sdl: `${link(['@key'])}
        type Query { me: User users(ids: [ID!]!): [User]! }
        type User @key(fields: "id") { id: ID! name: String! }`,
      resolvers: {
        Query: { me: () => USERS[0], users: (_: unknown, { ids }: { ids: string[] }) => ids.map((id) => USERS.find((u) => u.id === id) ?? null) },
        User: { __resolveReference: (ref: { id: string }) => USERS.find((u) => u.id === ref.id) ?? null },
      },
    },
    reviews: {
      sdl: `${link(['@key'])}
        type User @key(fields: "id") { id: ID! reviews(first: Int): [Review!]! }
        type Review { body: String! product: Product }
        type Product @key(fields: "upc", resolvable: false) { upc: ID! }`,
      resolvers: {
        User: {
          reviews: (u: { id: string }, { first }: { first?: number }) =>
            (REVIEWS[u.id] ?? []).slice(0, first ?? undefined).map((r) => ({ body: r.body, product: { upc: r.upc } })),
        },
      },
    },
    products: {
      sdl: `${link(['@key'])}
        type Product @key(fields: "upc") { upc: ID! name: String! price(currency: String!): String! createdBy: User! }
        type User @key(fields: "id", resolvable: false) { id: ID! }`,
      resolvers: {
        Product: {
          __resolveReference: (ref: { upc: string }) => PRODUCTS.find((p) => p.upc === ref.upc) ?? null,
          price: (p: { cents: number }, { currency }: { currency: string }) => `${(p.cents / 100).toFixed(2)} ${currency}`,
          createdBy: (p: { createdBy: string }) => ({ id: p.createdBy }),
        },
      },
    },
  });
});

afterAll(() => fed?.stop());
beforeEach(() => fed.clearRequests());

test('resolves an entity reached through several hops (accounts → reviews → products → accounts) with one fetch per hop', async () => {
  const res = await fed.gateway.post('{ me { name reviews(first: 2) { body product { name createdBy { name } } } } }');
  expect(res.status).toBe(200);
  expect(res.body).toEqual({
    data: {
      me: {
        name: 'Ada',
        reviews: [
          { body: 'Bright', product: { name: 'Lamp', createdBy: { name: 'Grace' } } },
          { body: 'Sturdy', product: { name: 'Desk', createdBy: { name: 'Ada' } } },
        ],
      },
    },
  });
  expect(fed.subgraph('accounts').requests).toHaveLength(2);
  expect(fed.subgraph('reviews').requests).toHaveLength(1);
  expect(fed.subgraph('products').requests).toHaveLength(1);
  expect(entityFetches(fed.subgraph('accounts'))).toEqual([
    [
      { __typename: 'User', id: 'u2' },
      { __typename: 'User', id: 'u1' },
    ],
  ]);
});

test('batches a list of entities into one _entities fetch per subgraph', async () => {
  const res = await fed.gateway.post('{ users(ids: ["u1", "u2"]) { id reviews(first: 2) { product { upc name } } } }');
  expect(res.body).toEqual({
    data: {
      users: [
        { id: 'u1', reviews: [{ product: { upc: 'p1', name: 'Lamp' } }, { product: { upc: 'p2', name: 'Desk' } }] },
        { id: 'u2', reviews: [{ product: { upc: 'p2', name: 'Desk' } }] },
      ],
    },
  });
  expect(entityFetches(fed.subgraph('reviews'))).toEqual([
    [
      { __typename: 'User', id: 'u1' },
      { __typename: 'User', id: 'u2' },
    ],
  ]);
  const productFetches = entityFetches(fed.subgraph('products'));
  expect(productFetches).toHaveLength(1);
  expect(new Set(productFetches[0]?.map((r) => (r as { upc: string }).upc))).toEqual(new Set(['p1', 'p2']));
});

test('keeps nulls in a list of entities in place and sends no representation for them', async () => {
  const res = await fed.gateway.post('{ users(ids: ["u2", "nobody", "u1"]) { name reviews(first: 1) { body } } }');
  expect(res.body).toEqual({
    data: { users: [{ name: 'Grace', reviews: [{ body: 'Wobbly' }] }, null, { name: 'Ada', reviews: [{ body: 'Bright' }] }] },
  });
  expect(entityFetches(fed.subgraph('reviews'))).toEqual([
    [
      { __typename: 'User', id: 'u2' },
      { __typename: 'User', id: 'u1' },
    ],
  ]);
});

test('an entity its owner cannot find becomes null at its nullable position, the rest of the list intact', async () => {
  const res = await fed.gateway.post('{ me { reviews { body product { name } } } }');
  expect(res.body).toEqual({
    data: {
      me: {
        reviews: [
          { body: 'Bright', product: { name: 'Lamp' } },
          { body: 'Sturdy', product: { name: 'Desk' } },
          { body: 'Gone now', product: null },
        ],
      },
    },
    // @apollo/gateway's executor reports the non-null violation under extensions.valueCompletion, not errors.
    extensions: {
      valueCompletion: [
        { message: 'Cannot return null for non-nullable field Product.name.', path: ['me', 'reviews', 2, 'product', 'name'], extensions: { code: 'INVALID_GRAPHQL' } },
      ],
    },
  });
});

test('keeps the executor\'s own extensions when a query plan is also asked for (merged, not replaced)', async () => {
  const res = await fed.gateway.post('{ me { reviews { body product { name } } } }', undefined, { 'Apollo-Query-Plan-Experimental': '1', 'Apollo-Expose-Query-Plan': 'true' });
  expect(Object.keys(res.body.extensions ?? {}).sort()).toEqual(['__queryPlanExperimental', 'apolloQueryPlan', 'valueCompletion']);
  expect(res.body.extensions?.valueCompletion).toHaveLength(1);
});

test('answers aliases on root and entity fields, including one field twice with different arguments', async () => {
  const res = await fed.gateway.post('{ who: me { fullName: name latest: reviews(first: 1) { text: body } all: reviews { body } } }');
  expect(res.body).toEqual({
    data: {
      who: {
        fullName: 'Ada',
        latest: [{ text: 'Bright' }],
        all: [{ body: 'Bright' }, { body: 'Sturdy' }, { body: 'Gone now' }],
      },
    },
  });
});

test('passes the operation variables an entity fetch uses, and only those, to the subgraph', async () => {
  const res = await fed.gateway.post(
    'query Prices($first: Int, $currency: String!, $withName: Boolean!) { me { name @include(if: $withName) reviews(first: $first) { product { price(currency: $currency) } } } }',
    { first: 1, currency: 'EUR', withName: true },
  );
  expect(res.body).toEqual({ data: { me: { name: 'Ada', reviews: [{ product: { price: '19.99 EUR' } }] } } });
  expect(fed.subgraph('reviews').requests[0]?.variables).toEqual({ first: 1, representations: [{ __typename: 'User', id: 'u1' }] });
  expect(fed.subgraph('products').requests[0]?.variables).toEqual({ currency: 'EUR', representations: [{ __typename: 'Product', upc: 'p1' }] });
});
