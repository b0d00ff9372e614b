import { entityFetches, link, rootFetches, startFederation, type Federation } from './federation';

// products owns Product (two keys: id and sku) and knows Variant (compound key) by reference;
// inventory knows Product only by sku; reviews knows Product only by id and references User (nested
// key) without being able to resolve it; accounts owns User, keyed by id within an organization.
const PRODUCTS = [
  { id: 'p1', sku: 'TSHIRT', name: 'T-Shirt', variants: [{ id: 'v1', sku: 'TSHIRT' }, { id: 'v2', sku: 'TSHIRT' }] },
  { id: 'p2', sku: 'MUG', name: 'Mug', variants: [{ id: 'v1', sku: 'MUG' }] },
];
const VARIANTS = [
  { id: 'v1', sku: 'TSHIRT', color: 'red' },
  { id: 'v2', sku: 'TSHIRT', color: 'blue' },
  { id: 'v1', sku: 'MUG', color: 'white' },
];
const USERS = [
  { id: 'u1', organization: { id: 'acme' }, name: 'Ada at Acme' },
  { id: 'u1', organization: { id: 'globex' }, name: 'Ada at Globex' },
];

let fed: Federation;

beforeAll(async () => {
  fed = await startFederation({
    products: {
      sdl: `${link(['@key'])}
        type Query { product(id: ID!): Product }
        type Product @key(fields: "id") @key(fields: "sku") { id: ID! sku: String! name: String! variants: [Variant!]! }
        type Variant @key(fields: "id sku", resolvable: false) { id: ID! sku: String! }`,
      resolvers: {
        Query: { product: (_: unknown, { id }: { id: string }) => PRODUCTS.find((p) => p.id === id) ?? null },
        Product: {
          __resolveReference: (ref: { id?: string; sku?: string }) => PRODUCTS.find((p) => (ref.id ? p.id === ref.id : p.sku === ref.sku)) ?? null,
        },
      },
    },
    variants: {
      sdl: `${link(['@key'])}
        type Query { _unused: Boolean }
        type Variant @key(fields: "id sku") { id: ID! sku: String! color: String! }`,
      resolvers: {
        Variant: { __resolveReference: (ref: { id: string; sku: string }) => VARIANTS.find((v) => v.id === ref.id && v.sku === ref.sku) ?? null },
      },
    },
    inventory: {
      sdl: `${link(['@key'])}
        type Query { stockedProducts: [Product!]! }
        type Product @key(fields: "sku") { sku: String! inStock: Int! }`,
      resolvers: {
        Query: { stockedProducts: () => [{ sku: 'MUG', inStock: 7 }, { sku: 'TSHIRT', inStock: 0 }] },
        Product: { __resolveReference: (ref: { sku: string }) => ({ sku: ref.sku, inStock: ref.sku === 'MUG' ? 7 : 0 }) },
      },
    },
    reviews: {
      sdl: `${link(['@key', '@shareable'])}
        type Product @key(fields: "id") { id: ID! reviews: [Review!]! }
        type Review { body: String! author: User! }
        type User @key(fields: "id organization { id }", resolvable: false) { id: ID! organization: Organization! }
        type Organization @shareable { id: ID! }`,
      resolvers: {
        Product: {
          __resolveReference: (ref: { id: string }) => ({
            id: ref.id,
            reviews:
              ref.id === 'p1'
                ? [
                    { body: 'Soft', author: { id: 'u1', organization: { id: 'globex' } } },
                    { body: 'Shrinks', author: { id: 'u1', organization: { id: 'acme' } } },
                  ]
                : [],
          }),
        },
      },
    },
    accounts: {
      sdl: `${link(['@key', '@shareable'])}
        type User @key(fields: "id organization { id }") { id: ID! organization: Organization! name: String! }
        type Organization @shareable { id: ID! }`,
      resolvers: {
        User: {
          __resolveReference: (ref: { id: string; organization: { id: string } }) =>
            USERS.find((u) => u.id === ref.id && u.organization.id === ref.organization.id) ?? null,
        },
      },
    },
  });
});

afterAll(() => fed?.stop());
beforeEach(() => fed.clearRequests());

test('resolves an entity known by one key through the owner of both keys, then through a third subgraph by the other key', async () => {
  const res = await fed.gateway.post('{ stockedProducts { sku inStock name reviews { body } } }');
  expect(res.status).toBe(200);
  expect(res.body).toEqual({
    data: {
      stockedProducts: [
        { sku: 'MUG', inStock: 7, name: 'Mug', reviews: [] },
        { sku: 'TSHIRT', inStock: 0, name: 'T-Shirt', reviews: [{ body: 'Soft' }, { body: 'Shrinks' }] },
      ],
    },
  });
  // inventory only has sku: products is asked by sku, and gives the id reviews needs.
  expect(entityFetches(fed.subgraph('products'))).toEqual([
    [
      { __typename: 'Product', sku: 'MUG' },
      { __typename: 'Product', sku: 'TSHIRT' },
    ],
  ]);
  expect(entityFetches(fed.subgraph('reviews'))).toEqual([
    [
      { __typename: 'Product', id: 'p2' },
      { __typename: 'Product', id: 'p1' },
    ],
  ]);
});

test('resolves an entity by its id key from a root field of the owner without any entity fetch to it', async () => {
  const res = await fed.gateway.post('{ product(id: "p2") { id sku name inStock } }');
  expect(res.body).toEqual({ data: { product: { id: 'p2', sku: 'MUG', name: 'Mug', inStock: 7 } } });
  expect(entityFetches(fed.subgraph('products'))).toEqual([]);
  expect(rootFetches(fed.subgraph('products'))).toHaveLength(1);
  expect(entityFetches(fed.subgraph('inventory'))).toEqual([[{ __typename: 'Product', sku: 'MUG' }]]);
});

test('resolves a compound key through the entity owner, sending every key field in one batched fetch', async () => {
  const res = await fed.gateway.post('{ product(id: "p1") { variants { id sku color } } }');
  expect(res.body).toEqual({
    data: {
      product: {
        variants: [
          { id: 'v1', sku: 'TSHIRT', color: 'red' },
          { id: 'v2', sku: 'TSHIRT', color: 'blue' },
        ],
      },
    },
  });
  expect(entityFetches(fed.subgraph('variants'))).toEqual([
    [
      { __typename: 'Variant', id: 'v1', sku: 'TSHIRT' },
      { __typename: 'Variant', id: 'v2', sku: 'TSHIRT' },
    ],
  ]);
});

test('distinguishes entities that share one part of a compound key', async () => {
  const res = await fed.gateway.post('{ a: product(id: "p1") { variants { color } } b: product(id: "p2") { variants { color } } }');
  expect(res.body).toEqual({ data: { a: { variants: [{ color: 'red' }, { color: 'blue' }] }, b: { variants: [{ color: 'white' }] } } });
});

test('resolves a nested key (id organization { id }) referenced by a subgraph that cannot resolve the entity itself', async () => {
  const res = await fed.gateway.post('{ product(id: "p1") { reviews { body author { id organization { id } name } } } }');
  expect(res.body).toEqual({
    data: {
      product: {
        reviews: [
          { body: 'Soft', author: { id: 'u1', organization: { id: 'globex' }, name: 'Ada at Globex' } },
          { body: 'Shrinks', author: { id: 'u1', organization: { id: 'acme' }, name: 'Ada at Acme' } },
        ],
      },
    },
  });
  expect(entityFetches(fed.subgraph('accounts'))).toEqual([
    [
      { __typename: 'User', id: 'u1', organization: { id: 'globex' } },
      { __typename: 'User', id: 'u1', organization: { id: 'acme' } },
    ],
  ]);
  // reviews declared User with resolvable: false: no User representation is ever sent to it.
  expect(entityFetches(fed.subgraph('reviews')).flat()).toEqual([{ __typename: 'Product', id: 'p1' }]);
});
