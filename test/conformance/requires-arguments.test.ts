import { testPlanner } from '../helpers/gateway';
import type { GraphQLResult } from '../helpers/gateway';
import { entityFetches, link, startFederation, type Federation } from './federation';

// The operations @apollo/query-planner answers wrongly are refused on that planner (see expectRefusedOnApollo).
const RUST = testPlanner() === 'rust';

// products owns Product's price (per currency) and weight, and Category's average price (per currency);
// shipping and customs compute from them with @requires selections that pass arguments.
const CATEGORIES = [
  { id: 'c1', usd: 80 },
  { id: 'c2', usd: 40 },
];
const PRODUCTS = [
  { id: 'p1', usd: 100, weight: 3, category: CATEGORIES[0] },
  { id: 'p2', usd: 20, weight: 10, category: CATEGORIES[1] },
];
// One currency rate, so a value fetched with the wrong argument shows.
const inCurrency = (usd: number, currency: string) => (currency === 'EUR' ? usd * 2 : usd);

let fed: Federation;

beforeAll(async () => {
  fed = await startFederation({
    products: {
      sdl: `${link(['@key'])}
        type Query { products: [Product!]! }
        type Product @key(fields: "id") { id: ID! price(currency: String!): Int! weight: Int! category: Category! }
        type Category @key(fields: "id") { id: ID! averagePrice(currency: String!): Int! }`,
      resolvers: {
        Query: { products: () => PRODUCTS },
        Product: {
          __resolveReference: (ref: { id: string }) => PRODUCTS.find((p) => p.id === ref.id) ?? null,
          price: (p: { usd: number }, { currency }: { currency: string }) => inCurrency(p.usd, currency),
        },
        Category: {
          __resolveReference: (ref: { id: string }) => CATEGORIES.find((c) => c.id === ref.id) ?? null,
          averagePrice: (c: { usd: number }, { currency }: { currency: string }) => inCurrency(c.usd, currency),
        },
      },
    },
    shipping: {
      sdl: `${link(['@key', '@external', '@requires'])}
        type Product @key(fields: "id") {
          id: ID!
          price(currency: String!): Int! @external
          weight: Int! @external
          category: Category! @external
          shippingEstimate: Int! @requires(fields: "price(currency: \\"USD\\") weight")
          priceVsCategory: Int! @requires(fields: "category { averagePrice(currency: \\"USD\\") } price(currency: \\"USD\\")")
          insurance: Int! @requires(fields: "price(currency: \\"EUR\\")")
          categoryInsurance: Int! @requires(fields: "category { averagePrice(currency: \\"EUR\\") }")
        }
        type Category @key(fields: "id") { id: ID! averagePrice(currency: String!): Int! @external }`,
      resolvers: {
        Product: {
          // The representation carries the required fields; shipping has no data of its own.
          __resolveReference: (ref: Record<string, unknown>) => ref,
          shippingEstimate: (p: { price: number; weight: number }) => p.price * 10 + p.weight,
          priceVsCategory: (p: { price: number; category: { averagePrice: number } }) => p.price - p.category.averagePrice,
          insurance: (p: { price: number }) => p.price + 1,
          categoryInsurance: (p: { category: { averagePrice: number } }) => p.category.averagePrice + 1,
        },
      },
    },
  });
});

afterAll(() => fed?.stop());
beforeEach(() => fed.clearRequests());

test('@requires of a field with an argument and a plain field', async () => {
  const res = await fed.gateway.post('{ products { id shippingEstimate } }');
  expect(res.body).toEqual({ data: { products: [{ id: 'p1', shippingEstimate: 1003 }, { id: 'p2', shippingEstimate: 210 }] } });
  expect(entityFetches(fed.subgraph('shipping'))).toEqual([
    [
      { __typename: 'Product', id: 'p1', price: 100, weight: 3 },
      { __typename: 'Product', id: 'p2', price: 20, weight: 10 },
    ],
  ]);
});

test('@requires of a nested field with an argument sends the nested value in the representation', async () => {
  const res = await fed.gateway.post('{ products { id priceVsCategory } }');
  expect(res.body).toEqual({ data: { products: [{ id: 'p1', priceVsCategory: 20 }, { id: 'p2', priceVsCategory: -20 }] } });
  expect(entityFetches(fed.subgraph('shipping'))).toEqual([
    [
      { __typename: 'Product', id: 'p1', category: { averagePrice: 80 }, price: 100 },
      { __typename: 'Product', id: 'p2', category: { averagePrice: 40 }, price: 20 },
    ],
  ]);
});

test('@requires of a nested field with an argument and an aliased client field with another argument', async () => {
  const res = await fed.gateway.post('{ products { category { eur: averagePrice(currency: "EUR") } priceVsCategory } }');
  expect(res.body).toEqual({
    data: {
      products: [
        { category: { eur: 160 }, priceVsCategory: 20 },
        { category: { eur: 80 }, priceVsCategory: -20 },
      ],
    },
  });
});

// Where @apollo/query-planner fetches the field once and serves that value for both arguments (wrong data),
// Junction refuses on the apollo planner before any subgraph is called; Hive Router's planner aliases the
// second fetch and answers.
function expectRefusedOnApollo(res: GraphQLResult, message: string, correct: unknown): void {
  if (RUST) expect(res.body).toEqual(correct);
  else expectRefused(res, message);
}

function expectRefused(res: GraphQLResult, message: string): void {
  expect(res.status).toBe(400);
  expect(res.body).toEqual({ errors: [{ message, extensions: { code: 'QUERY_PLANNING_FAILED' } }] });
  expect(fed.subgraph('products').requests).toHaveLength(0);
  expect(fed.subgraph('shipping').requests).toHaveLength(0);
}

// Nested, both planners send one value for both arguments (Hive Router's aliases only top-level required
// fields): refused on both.
test('@requires of a nested field with an argument and the client field unaliased with another argument', async () => {
  const res = await fed.gateway.post('{ products { id category { averagePrice(currency: "EUR") } priceVsCategory } }');
  expectRefused(
    res,
    '"Category.averagePrice" is selected with arguments other than those "Product.priceVsCategory" requires; alias it (e.g. "myAveragePrice: averagePrice(currency: "EUR")") to get both values.',
  );
});

test('two fields requiring the same nested field with different arguments', async () => {
  const res = await fed.gateway.post('{ products { id priceVsCategory categoryInsurance } }');
  expectRefused(res, '"Product.priceVsCategory" and "Product.categoryInsurance" require "Category.averagePrice" with different arguments; select them in separate operations.');
});

test('@requires of a field with an argument and the client field unaliased with another argument', async () => {
  const res = await fed.gateway.post('{ products { id price(currency: "EUR") shippingEstimate } }');
  expectRefusedOnApollo(
    res,
    '"Product.price" is selected with arguments other than those "Product.shippingEstimate" requires; alias it (e.g. "myPrice: price(currency: "EUR")") to get both values.',
    {
      data: {
        products: [
          { id: 'p1', price: 200, shippingEstimate: 1003 },
          { id: 'p2', price: 40, shippingEstimate: 210 },
        ],
      },
    },
  );
});

test('two fields requiring the same field with different arguments each get their own value', async () => {
  const res = await fed.gateway.post('{ products { id shippingEstimate insurance } }');
  expectRefusedOnApollo(
    res,
    '"Product.shippingEstimate" and "Product.insurance" require "Product.price" with different arguments; select them in separate operations.',
    {
      data: {
        products: [
          { id: 'p1', shippingEstimate: 1003, insurance: 201 },
          { id: 'p2', shippingEstimate: 210, insurance: 41 },
        ],
      },
    },
  );
});

test('each of two fields requiring the same field with different arguments, alone, gets its value', async () => {
  const usd = await fed.gateway.post('{ products { shippingEstimate priceVsCategory } }');
  const eur = await fed.gateway.post('{ products { insurance categoryInsurance } }');
  expect([usd.body, eur.body]).toEqual([
    { data: { products: [{ shippingEstimate: 1003, priceVsCategory: 20 }, { shippingEstimate: 210, priceVsCategory: -20 }] } },
    { data: { products: [{ insurance: 201, categoryInsurance: 161 }, { insurance: 41, categoryInsurance: 81 }] } },
  ]);
});
