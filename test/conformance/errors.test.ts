import { GraphQLError } from 'graphql';
import { link, startFederation, type Federation } from './federation';

// shop owns Product; stock adds fields that fail for p2 (a coded error, a plain exception, a non-null
// field); offline is a subgraph that is stopped once the gateway has composed it: nothing listens there.
const PRODUCTS = [
  { id: 'p1', name: 'Widget' },
  { id: 'p2', name: 'Gadget' },
  { id: 'p3', name: 'Gizmo' },
];

let fed: Federation;

beforeAll(async () => {
  fed = await startFederation({
    shop: {
      sdl: `${link(['@key'])}
        type Query { products: [Product] product(id: ID!): Product featured: Product! banner: Banner }
        type Product @key(fields: "id") { id: ID! name: String! }
        type Banner { title: String text: String! }`,
      resolvers: {
        Query: {
          products: () => PRODUCTS,
          product: (_: unknown, { id }: { id: string }) => PRODUCTS.find((p) => p.id === id) ?? null,
          featured: () => PRODUCTS[1],
          banner: () => ({ title: 'Sale' }),
        },
        Banner: {
          text: () => {
            throw new GraphQLError('Banner text is not translated', { extensions: { code: 'NOT_TRANSLATED' } });
          },
        },
      },
    },
    stock: {
      sdl: `${link(['@key'])}
        type Product @key(fields: "id") { id: ID! stock: Int legacyStock: Int warehouse: String! }`,
      resolvers: {
        Product: {
          stock: (p: { id: string }) => {
            if (p.id === 'p2') throw new GraphQLError(`Stock unknown for ${p.id}`, { extensions: { code: 'STOCK_UNKNOWN' } });
            return p.id === 'p1' ? 5 : 0;
          },
          legacyStock: (p: { id: string }) => {
            if (p.id === 'p2') throw new Error('legacy database password=hunter2 rejected');
            return 1;
          },
          warehouse: (p: { id: string }) => {
            if (p.id === 'p2') throw new GraphQLError('No warehouse for p2', { extensions: { code: 'NO_WAREHOUSE' } });
            return `WH-${p.id}`;
          },
        },
      },
    },
    offline: {
      sdl: `${link(['@key'])}
        type Query { ads: [String!] }
        type Product @key(fields: "id") { id: ID! reviewsCount: Int }`,
      resolvers: { Query: { ads: () => ['never served'] } },
    },
  });
  await fed.subgraph('offline').stop();
});

afterAll(() => fed?.stop());

test('a field whose resolver throws becomes null with its error, path and code, the rest of the data intact', async () => {
  const res = await fed.gateway.post('{ products { id name stock } }');
  expect(res.status).toBe(200);
  expect(res.body).toEqual({
    data: {
      products: [
        { id: 'p1', name: 'Widget', stock: 5 },
        { id: 'p2', name: 'Gadget', stock: null },
        { id: 'p3', name: 'Gizmo', stock: 0 },
      ],
    },
    errors: [{ message: 'Stock unknown for p2', path: ['products', 1, 'stock'], extensions: { code: 'STOCK_UNKNOWN', serviceName: 'stock' } }],
  });
});

test('an error path names aliases, not field names', async () => {
  const res = await fed.gateway.post('{ items: products { count: stock } }');
  expect(res.body).toEqual({
    data: { items: [{ count: 5 }, { count: null }, { count: 0 }] },
    errors: [{ message: 'Stock unknown for p2', path: ['items', 1, 'count'], extensions: { code: 'STOCK_UNKNOWN', serviceName: 'stock' } }],
  });
});

test('an uncoded subgraph exception reaches the client as an internal error, without its message', async () => {
  const res = await fed.gateway.post('{ product(id: "p2") { name legacyStock } }');
  expect(res.status).toBe(200);
  expect(res.body).toEqual({
    data: { product: { name: 'Gadget', legacyStock: null } },
    errors: [{ message: 'Internal server error', path: ['product', 'legacyStock'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
  });
});

test('a failing non-nullable field of an entity nulls its nearest nullable parent (a list item)', async () => {
  const res = await fed.gateway.post('{ products { id warehouse } }');
  expect(res.body).toEqual({
    data: { products: [{ id: 'p1', warehouse: 'WH-p1' }, null, { id: 'p3', warehouse: 'WH-p3' }] },
    errors: [{ message: 'No warehouse for p2', path: ['products', 1, 'warehouse'], extensions: { code: 'NO_WAREHOUSE', serviceName: 'stock' } }],
  });
});

test('a failing non-nullable field inside a subgraph nulls its nullable parent object', async () => {
  const res = await fed.gateway.post('{ banner { title text } product(id: "p1") { name } }');
  expect(res.body).toEqual({
    data: { banner: null, product: { name: 'Widget' } },
    errors: [{ message: 'Banner text is not translated', path: ['banner', 'text'], extensions: { code: 'NOT_TRANSLATED', serviceName: 'shop' } }],
  });
});

test('a failing non-nullable field under non-nullable parents up to the root nulls the whole data', async () => {
  const res = await fed.gateway.post('{ featured { id warehouse } }');
  expect(res.body).toEqual({
    data: null,
    errors: [{ message: 'No warehouse for p2', path: ['featured', 'warehouse'], extensions: { code: 'NO_WAREHOUSE', serviceName: 'stock' } }],
  });
});

describe('a subgraph that is down', () => {
  // Stock @apollo/gateway reports a fetch that got no answer once, without a path; Junction's executor puts it
  // at every place the fetch was to fill (each entity, each root field), as issue 9 asks.
  const stock = process.env.JUNCTION_TEST_EXECUTOR === 'apollo';
  const down = { message: 'Subgraph "offline" is unavailable.', extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'offline' } };
  const at = (...paths: Array<Array<string | number>>) => (stock ? [down] : paths.map((path) => ({ ...down, path })));
  const leaksAddress = (body: unknown) => {
    const text = JSON.stringify(body);
    const port = new URL(fed.subgraph('offline').url).port;
    return ['127.0.0.1', 'localhost', 'http:', 'ECONNREFUSED', `:${port}`].filter((s) => text.includes(s));
  };

  test('an entity fetch to it leaves null at its fields, the rest of the data, and SUBGRAPH_UNAVAILABLE with no address', async () => {
    const res = await fed.gateway.post('{ products { name reviewsCount } }');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      data: {
        products: [
          { name: 'Widget', reviewsCount: null },
          { name: 'Gadget', reviewsCount: null },
          { name: 'Gizmo', reviewsCount: null },
        ],
      },
      errors: at(['products', 0], ['products', 1], ['products', 2]),
    });
    expect(leaksAddress(res.body)).toEqual([]);
  });

  test('a root fetch to it leaves its root field null while other subgraphs answer theirs', async () => {
    const res = await fed.gateway.post('{ ads product(id: "p3") { name stock } }');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      data: { ads: null, product: { name: 'Gizmo', stock: 0 } },
      errors: at(['ads']),
    });
    expect(leaksAddress(res.body)).toEqual([]);
  });
});
