import { testPlanner } from '../helpers/gateway';
import { entityFetches, link, startFederation, type Federation } from './federation';

// Product has two keys: "id", and "pid category { id tag }" (composite, nested). catalog knows Product only by
// id, stock only by the composite key, and links knows both: every operation that needs catalog and stock
// together hops through links, switching keys on the way.
const PRODUCTS = [
  { id: 'p1', name: 'Hammer', pid: 'A-1', category: { id: 'c1', tag: 'tools' } },
  { id: 'p2', name: 'Kite', pid: 'A-1', category: { id: 'c2', tag: 'toys' } },
  { id: 'p3', name: 'Saw', pid: 'B-7', category: { id: 'c1', tag: 'tools' } },
];
// stock's own data, keyed by the composite key only (the same pid exists in two categories).
const STOCK: Record<string, number> = { 'A-1/c1/tools': 4, 'A-1/c2/toys': 0, 'B-7/c1/tools': 12 };
type CompositeKey = { pid: string; category: { id: string; tag: string } };
const stockKey = (k: CompositeKey) => `${k.pid}/${k.category.id}/${k.category.tag}`;
const byComposite = (k: CompositeKey) => PRODUCTS.find((p) => stockKey(p) === stockKey(k)) ?? null;

const RUST = testPlanner() === 'rust';

let fed: Federation;

beforeAll(async () => {
  fed = await startFederation({
    catalog: {
      sdl: `${link(['@key'])}
        type Query { products: [Product!]! }
        type Product @key(fields: "id") { id: ID! name: String! }`,
      resolvers: {
        Query: { products: () => PRODUCTS },
        Product: { __resolveReference: (ref: { id: string }) => PRODUCTS.find((p) => p.id === ref.id) ?? null },
      },
    },
    links: {
      sdl: `${link(['@key', '@shareable'])}
        type Product @key(fields: "id") @key(fields: "pid category { id tag }") { id: ID! pid: ID! category: Category! }
        type Category @shareable { id: ID! tag: String! }`,
      resolvers: {
        Product: {
          __resolveReference: (ref: { id?: string } & Partial<CompositeKey>) =>
            ref.id !== undefined ? (PRODUCTS.find((p) => p.id === ref.id) ?? null) : byComposite(ref as CompositeKey),
        },
      },
    },
    stock: {
      sdl: `${link(['@key', '@shareable', '@external', '@requires'])}
        type Query { lowStock: [Product!]! }
        type Product @key(fields: "pid category { id tag }") {
          pid: ID!
          category: Category!
          stock: Int!
          name: String! @external
          label: String! @requires(fields: "name")
        }
        type Category @shareable { id: ID! tag: String! }`,
      resolvers: {
        Query: {
          lowStock: () =>
            Object.entries(STOCK)
              .filter(([, n]) => n < 5)
              .map(([k]) => {
                const [pid, id, tag] = k.split('/');
                return { pid, category: { id, tag } };
              }),
        },
        Product: {
          __resolveReference: (ref: CompositeKey) => ({ ...ref }),
          stock: (p: CompositeKey) => STOCK[stockKey(p)],
          label: (p: CompositeKey & { name?: string }) => {
            // Without the required name in the representation this would answer a wrong label: fail loudly instead.
            if (p.name === undefined) throw new Error('name was not provided');
            return `${p.name} (${STOCK[stockKey(p)]} left)`;
          },
        },
      },
    },
    orders: {
      // orders can be entered only by "id category { id }"; its "id" key is a reference it cannot resolve.
      sdl: `${link(['@key', '@shareable', '@external', '@requires'])}
        type Query { order: Order! }
        type Order { items: [Product!]! }
        type Product @key(fields: "id", resolvable: false) @key(fields: "id category { id }") {
          id: ID!
          category: Category!
          name: String! @external
          line: String! @requires(fields: "name")
        }
        type Category @shareable { id: ID! }`,
      resolvers: {
        Query: { order: () => ({ items: [PRODUCTS[2], PRODUCTS[0]].map((p) => ({ id: p?.id, category: { id: p?.category.id } })) }) },
        Product: {
          __resolveReference: (ref: { id: string; category: { id: string }; name?: string }) => ref,
          line: (p: { id: string; category: { id: string }; name?: string }) => {
            if (p.name === undefined) throw new Error('name was not provided');
            return `${p.name} [${p.id}/${p.category.id}]`;
          },
        },
      },
    },
  });
});

afterAll(() => fed?.stop());
beforeEach(() => fed.clearRequests());

test('from the id key to the composite key: catalog, then links by id, then stock by pid and category', async () => {
  const res = await fed.gateway.post('{ products { id name stock } }');
  expect(res.body).toEqual({
    data: {
      products: [
        { id: 'p1', name: 'Hammer', stock: 4 },
        { id: 'p2', name: 'Kite', stock: 0 },
        { id: 'p3', name: 'Saw', stock: 12 },
      ],
    },
  });
  expect(entityFetches(fed.subgraph('stock'))).toEqual([
    [
      { __typename: 'Product', pid: 'A-1', category: { id: 'c1', tag: 'tools' } },
      { __typename: 'Product', pid: 'A-1', category: { id: 'c2', tag: 'toys' } },
      { __typename: 'Product', pid: 'B-7', category: { id: 'c1', tag: 'tools' } },
    ],
  ]);
});

test('from the composite key to the id key: stock, then links by pid and category, then catalog by id', async () => {
  const res = await fed.gateway.post('{ lowStock { stock name } }');
  expect(res.body).toEqual({ data: { lowStock: [{ stock: 4, name: 'Hammer' }, { stock: 0, name: 'Kite' }] } });
  expect(entityFetches(fed.subgraph('catalog'))).toEqual([
    [
      { __typename: 'Product', id: 'p1' },
      { __typename: 'Product', id: 'p2' },
    ],
  ]);
});

test('the key fields themselves, across both keys', async () => {
  const res = await fed.gateway.post('{ lowStock { id pid category { id tag } } products { name pid category { tag } } }');
  expect(res.body).toEqual({
    data: {
      lowStock: [
        { id: 'p1', pid: 'A-1', category: { id: 'c1', tag: 'tools' } },
        { id: 'p2', pid: 'A-1', category: { id: 'c2', tag: 'toys' } },
      ],
      products: [
        { name: 'Hammer', pid: 'A-1', category: { tag: 'tools' } },
        { name: 'Kite', pid: 'A-1', category: { tag: 'toys' } },
        { name: 'Saw', pid: 'B-7', category: { tag: 'tools' } },
      ],
    },
  });
});

test('a round trip: stock to catalog and back to stock', async () => {
  const res = await fed.gateway.post('{ lowStock { name stock category { id } } }');
  expect(res.body).toEqual({
    data: {
      lowStock: [
        { name: 'Hammer', stock: 4, category: { id: 'c1' } },
        { name: 'Kite', stock: 0, category: { id: 'c2' } },
      ],
    },
  });
});

test('@requires across keys: the required field comes from the subgraph that knows only the other key', async () => {
  const res = await fed.gateway.post('{ lowStock { label } }');
  expect(res.body).toEqual({ data: { lowStock: [{ label: 'Hammer (4 left)' }, { label: 'Kite (0 left)' }] } });
});

// From the id key, two hops to reach the subgraph with the @requires: Hive Router's planner fails to plan it
// ("Expected a single parent, but the FetchStep [..] has many"): a coded error on that planner.
test('@requires across keys, entered from the id key: the required field and the key come from two subgraphs', async () => {
  const res = await fed.gateway.post('{ products { id label } }');
  if (RUST) {
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ message: expect.stringContaining('Failed to plan query'), extensions: { code: 'QUERY_PLANNING_FAILED' } }]);
    expect(res.body.data).toBeUndefined();
    return;
  }
  expect(res.body).toEqual({
    data: {
      products: [
        { id: 'p1', label: 'Hammer (4 left)' },
        { id: 'p2', label: 'Kite (0 left)' },
        { id: 'p3', label: 'Saw (12 left)' },
      ],
    },
  });
  expect(entityFetches(fed.subgraph('stock')).flat()).toContainEqual({ __typename: 'Product', pid: 'B-7', category: { id: 'c1', tag: 'tools' }, name: 'Saw' });
});

// @apollo/query-planner enters orders through its non-resolvable "id" key (the representation lacks category):
// on that planner Junction refuses the plan before any subgraph is called; Hive Router's planner answers.
test('@requires in a subgraph entered by its only resolvable key, composite, after a hop to the id key', async () => {
  const res = await fed.gateway.post('{ order { items { id name line stock } } }');
  if (!RUST) {
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      errors: [
        {
          message:
            'The apollo query planner cannot plan this operation: its plan fetches "Product" from subgraph "orders" without a key that subgraph resolves. queryPlan.planner: rust plans it.',
          extensions: { code: 'QUERY_PLANNING_FAILED' },
        },
      ],
    });
    expect(Object.values(fed.subgraphs).flatMap((s) => s.requests)).toHaveLength(0);
    return;
  }
  expect(res.body).toEqual({
    data: {
      order: {
        items: [
          { id: 'p3', name: 'Saw', line: 'Saw [p3/c1]', stock: 12 },
          { id: 'p1', name: 'Hammer', line: 'Hammer [p1/c1]', stock: 4 },
        ],
      },
    },
  });
});
