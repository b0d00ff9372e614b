import { startTestSubgraph, type TestSubgraph } from '../helpers/subgraph';
import { startGatewayFor, type TestGateway } from '../helpers/gateway';

/**
 * Security finding: variables were not coerced against the client's operation before planning, so a
 * wrongly typed or missing variable went to the subgraph (which answered the error, with 200). They are
 * refused first — 400 BAD_USER_INPUT, no subgraph called — as stock @apollo/gateway does.
 */
const PRODUCTS = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])
enum Sort { NAME PRICE }
input Filter { minPrice: Int! sort: Sort }
type Query { topProducts(first: Int, filter: Filter): [Product] product(id: ID!): Product }
type Product @key(fields: "id") { id: ID! name: String }`;

describe.each([
  ['junction', ''],
  ['apollo', 'execution:\n  executor: apollo\n'],
])('variables are coerced before planning (%s executor)', (_name, yaml) => {
  let products: TestSubgraph;
  let gateway: TestGateway;

  beforeAll(async () => {
    products = await startTestSubgraph('products', PRODUCTS, {
      Query: { topProducts: (_: unknown, args: { first?: number }) => [{ id: '1', name: 'Table' }].slice(0, args.first ?? 5), product: (_: unknown, { id }: { id: string }) => ({ id, name: 'Table' }) },
    });
    gateway = await startGatewayFor([products], yaml);
  });
  afterAll(async () => {
    await gateway.stop();
    await products.stop();
  });
  beforeEach(() => {
    products.requests.length = 0;
  });

  const refused = [
    ['a string for an Int', 'query($n: Int) { topProducts(first: $n) { name } }', { n: 'x' }],
    ['a missing required variable', 'query($id: ID!) { product(id: $id) { name } }', {}],
    ['null for a required variable', 'query($id: ID!) { product(id: $id) { name } }', { id: null }],
    ['an unknown enum value inside an input object', 'query($f: Filter) { topProducts(filter: $f) { name } }', { f: { minPrice: 1, sort: 'COLOR' } }],
    ['a missing required input field', 'query($f: Filter) { topProducts(filter: $f) { name } }', { f: { sort: 'NAME' } }],
  ] as const;

  it.each(refused)('%s: 400 BAD_USER_INPUT, no subgraph called', async (_label, query, variables) => {
    const res = await gateway.post(query, variables as Record<string, unknown>);
    expect(res.status).toBe(400);
    expect(res.body.data).toBeUndefined();
    expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.body.errors?.[0]?.message).toMatch(/^Variable "\$\w+"/);
    expect(products.requests).toHaveLength(0);
  });

  it('valid variables (and defaults) are served', async () => {
    const res = await gateway.post('query($n: Int = 1, $f: Filter) { topProducts(first: $n, filter: $f) { name } }', { f: { minPrice: 1 } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { topProducts: [{ name: 'Table' }] } });
  });

  it('a GET request is coerced the same way', async () => {
    const url = `${gateway.url}?query=${encodeURIComponent('query($n: Int) { topProducts(first: $n) { name } }')}&variables=${encodeURIComponent('{"n":"x"}')}`;
    const res = await fetch(url, { headers: { 'apollo-require-preflight': 'true' } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]?.extensions.code).toBe('BAD_USER_INPUT');
    expect(products.requests).toHaveLength(0);
  });

});
