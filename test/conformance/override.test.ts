import { parse, print, visit } from 'graphql';
import { startGatewayFor, type TestGateway } from '../helpers/gateway';
import type { TestSubgraph } from '../helpers/subgraph';
import { link, startFederation, type Federation } from './federation';

// products is the old home of every Product field; pricing takes them over: price for good, inStock
// for 0% of requests, discount for 100% of them, currency only where the "beta" label is switched on.
// Each subgraph answers its own values, so the response shows which one was asked.
const OLD = { price: 10, inStock: true, discount: 0, currency: 'USD' };
const NEW = { price: 12, inStock: false, discount: 25, currency: 'EUR' };

let fed: Federation;

beforeAll(async () => {
  fed = await startFederation({
    products: {
      sdl: `${link(['@key'])}
        type Query { product(id: ID!): Product }
        type Product @key(fields: "id") { id: ID! name: String! price: Int! inStock: Boolean! discount: Int! currency: String! }`,
      resolvers: {
        Query: { product: (_: unknown, { id }: { id: string }) => ({ id, name: `Product ${id}`, ...OLD }) },
        Product: { __resolveReference: (ref: { id: string }) => ({ id: ref.id, name: `Product ${ref.id}`, ...OLD }) },
      },
    },
    pricing: {
      sdl: `${link(['@key', '@override'])}
        type Product @key(fields: "id") {
          id: ID!
          price: Int! @override(from: "products")
          inStock: Boolean! @override(from: "products", label: "percent(0)")
          discount: Int! @override(from: "products", label: "percent(100)")
          currency: String! @override(from: "products", label: "beta")
        }`,
      resolvers: { Product: { __resolveReference: (ref: { id: string }) => ({ id: ref.id, ...NEW }) } },
    },
  });
});

afterAll(() => fed?.stop());
beforeEach(() => fed.clearRequests());

const queries = (s: TestSubgraph) => s.requests.map((r) => r.query);
// A subgraph query printed with its fields in order, the same whichever planner wrote it.
const normalized = (query: string) =>
  print(visit(parse(query), { SelectionSet: { leave: (node) => ({ ...node, selections: [...node.selections].sort((x, y) => print(x).localeCompare(print(y))) }) } }));

test('@override: the field is answered by the subgraph it moved to, never by the one it moved from', async () => {
  const res = await fed.gateway.post('{ product(id: "p1") { name price } }');
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ data: { product: { name: 'Product p1', price: NEW.price } } });
  expect(queries(fed.subgraph('products')).map(normalized)).toEqual([normalized('{product(id:"p1"){__typename id name}}')]);
  const pricing = queries(fed.subgraph('pricing'));
  expect(pricing).toHaveLength(1);
  expect(pricing[0]).toMatch(/_entities.*\bprice\b/);
});

test('@override: the moved field can still be reached alone, with one fetch to each subgraph', async () => {
  const res = await fed.gateway.post('{ product(id: "p2") { price } }');
  expect(res.body).toEqual({ data: { product: { price: NEW.price } } });
  expect(fed.subgraph('products').requests).toHaveLength(1);
  expect(fed.subgraph('pricing').requests).toHaveLength(1);
});

test('progressive @override with percent(0) always leaves the field with the old subgraph', async () => {
  for (let i = 0; i < 25; i++) {
    const res = await fed.gateway.post('{ product(id: "p1") { inStock } }');
    expect(res.body).toEqual({ data: { product: { inStock: OLD.inStock } } });
  }
  expect(fed.subgraph('pricing').requests).toEqual([]);
  expect(queries(fed.subgraph('products')).every((q) => /\binStock\b/.test(q))).toBe(true);
  expect(fed.subgraph('products').requests).toHaveLength(25);
});

test('progressive @override with percent(100) always sends the field to the new subgraph', async () => {
  for (let i = 0; i < 25; i++) {
    const res = await fed.gateway.post('{ product(id: "p1") { discount } }');
    expect(res.body).toEqual({ data: { product: { discount: NEW.discount } } });
  }
  expect(queries(fed.subgraph('products')).some((q) => /\bdiscount\b/.test(q))).toBe(false);
  const pricing = queries(fed.subgraph('pricing'));
  expect(pricing).toHaveLength(25);
  expect(pricing.every((q) => /\bdiscount\b/.test(q))).toBe(true);
});

test('progressive @override: fields with percent(0) and percent(100) in one operation each go to their own subgraph', async () => {
  const res = await fed.gateway.post('{ product(id: "p3") { inStock discount price } }');
  expect(res.body).toEqual({ data: { product: { inStock: OLD.inStock, discount: NEW.discount, price: NEW.price } } });
  expect(queries(fed.subgraph('products')).map(normalized)).toEqual([normalized('{product(id:"p3"){__typename id inStock}}')]);
  const pricing = queries(fed.subgraph('pricing'));
  expect(pricing).toHaveLength(1);
  expect(pricing[0]).toMatch(/discount/);
  expect(pricing[0]).not.toMatch(/inStock/);
});

test('progressive @override with a custom label keeps the old subgraph while the label is not switched on', async () => {
  const res = await fed.gateway.post('{ product(id: "p1") { currency } }');
  expect(res.body).toEqual({ data: { product: { currency: OLD.currency } } });
  expect(fed.subgraph('pricing').requests).toEqual([]);
});

describe('with the custom label switched on in gateway.yaml', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startGatewayFor(Object.values(fed.subgraphs), 'queryPlan:\n  overrideLabels:\n    beta: true\n');
  });
  afterAll(() => gateway?.stop());

  test('progressive @override with a custom label switched on sends the field to the new subgraph', async () => {
    const res = await gateway.post('{ product(id: "p1") { currency inStock } }');
    expect(res.body).toEqual({ data: { product: { currency: NEW.currency, inStock: OLD.inStock } } });
    const pricing = queries(fed.subgraph('pricing'));
    expect(pricing).toHaveLength(1);
    expect(pricing[0]).toMatch(/currency/);
  });
});
