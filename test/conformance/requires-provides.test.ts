import { testPlanner } from '../helpers/gateway';
import { entityFetches, link, startFederation, type Federation } from './federation';

// products owns Product's physical data; shipping computes from it with @requires (a field with an
// argument, and nested fields); reviews @provides the product name along each review.
const PRODUCTS = [
  { id: 'p1', name: 'Anvil', price: 99, grams: 20000, dimensions: { width: 30, height: 20, depth: 10 } },
  { id: 'p2', name: 'Feather', price: 1, grams: 2, dimensions: { width: 1, height: 15, depth: 1 } },
];
const byId = (id: string) => PRODUCTS.find((p) => p.id === id) ?? null;

let fed: Federation;

beforeAll(async () => {
  fed = await startFederation({
    products: {
      sdl: `${link(['@key', '@shareable'])}
        type Query { products: [Product!]! }
        type Product @key(fields: "id") { id: ID! name: String! @shareable price: Int! weight(unit: Unit!): Float! dimensions: Dimensions! }
        enum Unit { KG G }
        type Dimensions @shareable { width: Int! height: Int! depth: Int! }`,
      resolvers: {
        Query: { products: () => PRODUCTS },
        Product: {
          __resolveReference: (ref: { id: string }) => byId(ref.id),
          weight: (p: { grams: number }, { unit }: { unit: 'KG' | 'G' }) => (unit === 'KG' ? p.grams / 1000 : p.grams),
        },
      },
    },
    shipping: {
      sdl: `${link(['@key', '@shareable', '@external', '@requires'])}
        type Product @key(fields: "id") {
          id: ID!
          weight(unit: Unit!): Float! @external
          dimensions: Dimensions! @external
          shippingCost: Int! @requires(fields: "weight(unit: KG)")
          packaging: String! @requires(fields: "dimensions { width height }")
        }
        enum Unit { KG G }
        type Dimensions @shareable { width: Int! height: Int! }`,
      resolvers: {
        Product: {
          // The representation carries the required fields; shipping has no data of its own.
          __resolveReference: (ref: Record<string, unknown>) => ref,
          shippingCost: (p: { weight: number }) => Math.ceil(p.weight) * 5,
          packaging: (p: { dimensions: { width: number; height: number } }) => (p.dimensions.width >= p.dimensions.height ? 'flat box' : 'tube'),
        },
      },
    },
    reviews: {
      sdl: `${link(['@key', '@external', '@provides'])}
        type Query { reviews: [Review!]! }
        type Review { body: String! product: Product! @provides(fields: "name") }
        type Product @key(fields: "id") { id: ID! name: String! @external }`,
      resolvers: {
        Query: {
          reviews: () => [
            { body: 'Heavy', product: { id: 'p1', name: 'Anvil' } },
            { body: 'Light', product: { id: 'p2', name: 'Feather' } },
          ],
        },
      },
    },
  });
});

afterAll(() => fed?.stop());
beforeEach(() => fed.clearRequests());

test('@requires of a field with an argument sends the value for that argument in the representation', async () => {
  const res = await fed.gateway.post('{ products { id shippingCost } }');
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ data: { products: [{ id: 'p1', shippingCost: 100 }, { id: 'p2', shippingCost: 5 }] } });
  const reps = entityFetches(fed.subgraph('shipping'));
  expect(reps).toEqual([
    [
      { __typename: 'Product', id: 'p1', weight: 20 },
      { __typename: 'Product', id: 'p2', weight: 0.002 },
    ],
  ]);
  // shipping only declares weight as @external: it is never asked to resolve it.
  expect(fed.subgraph('shipping').requests.map((r) => r.query).join('\n')).not.toMatch(/\bweight\b/);
});

// The client's field and the required one differ only by argument. @apollo/query-planner 2.14 plans only one
// of the two and serves it for both (apollographql/federation#2996): wrong data. Junction refuses instead,
// before any subgraph is called, and tells the client to alias its field (which plans correctly, below).
// Hive Router's planner fetches both (one aliased) and answers.
test.each([
  ['before', '{ products { weight(unit: G) shippingCost } }'],
  ['after', '{ products { shippingCost weight(unit: G) } }'],
])('@requires with an argument: a client field with another argument %s it is refused, not answered wrongly', async (_where, query) => {
  const res = await fed.gateway.post(query);
  if (testPlanner() === 'rust') {
    expect(res.body).toEqual({ data: { products: [{ weight: 20000, shippingCost: 100 }, { weight: 2, shippingCost: 5 }] } });
    return;
  }
  expect(res.status).toBe(400);
  expect(res.body).toEqual({
    errors: [
      {
        message: '"Product.weight" is selected with arguments other than those "Product.shippingCost" requires; alias it (e.g. "myWeight: weight(unit: G)") to get both values.',
        extensions: { code: 'QUERY_PLANNING_FAILED' },
      },
    ],
  });
  expect(fed.subgraph('products').requests).toHaveLength(0);
  expect(fed.subgraph('shipping').requests).toHaveLength(0);
});

test('@requires with an argument and an aliased client field with another argument each get their own value', async () => {
  const res = await fed.gateway.post('{ products { grams: weight(unit: G) shippingCost } }');
  expect(res.body).toEqual({ data: { products: [{ grams: 20000, shippingCost: 100 }, { grams: 2, shippingCost: 5 }] } });
});

test('@requires of nested fields sends the nested selection and not the unrequired sibling', async () => {
  const res = await fed.gateway.post('{ products { name packaging dimensions { depth } } }');
  expect(res.body).toEqual({
    data: {
      products: [
        { name: 'Anvil', packaging: 'flat box', dimensions: { depth: 10 } },
        { name: 'Feather', packaging: 'tube', dimensions: { depth: 1 } },
      ],
    },
  });
  expect(entityFetches(fed.subgraph('shipping'))).toEqual([
    [
      { __typename: 'Product', id: 'p1', dimensions: { width: 30, height: 20 } },
      { __typename: 'Product', id: 'p2', dimensions: { width: 1, height: 15 } },
    ],
  ]);
});

test('@requires from an entity reached through another subgraph chains the fetches in order', async () => {
  const res = await fed.gateway.post('{ reviews { body product { shippingCost packaging } } }');
  expect(res.body).toEqual({
    data: {
      reviews: [
        { body: 'Heavy', product: { shippingCost: 100, packaging: 'flat box' } },
        { body: 'Light', product: { shippingCost: 5, packaging: 'tube' } },
      ],
    },
  });
  expect(fed.subgraph('products').requests).toHaveLength(1);
  expect(fed.subgraph('shipping').requests).toHaveLength(1);
});

test('@provides answers the provided field from the providing subgraph alone', async () => {
  const res = await fed.gateway.post('{ reviews { body product { id name } } }');
  expect(res.body).toEqual({
    data: {
      reviews: [
        { body: 'Heavy', product: { id: 'p1', name: 'Anvil' } },
        { body: 'Light', product: { id: 'p2', name: 'Feather' } },
      ],
    },
  });
  expect(fed.subgraph('reviews').requests).toHaveLength(1);
  expect(fed.subgraph('products').requests).toHaveLength(0);
});

test('@provides does not cover other fields: they come from the owner in one entity fetch', async () => {
  const res = await fed.gateway.post('{ reviews { product { name price } } }');
  expect(res.body).toEqual({ data: { reviews: [{ product: { name: 'Anvil', price: 99 } }, { product: { name: 'Feather', price: 1 } }] } });
  const products = fed.subgraph('products').requests;
  expect(products).toHaveLength(1);
  expect(products[0]?.query).toContain('price');
  expect(products[0]?.query).not.toMatch(/\bname\b/);
});
