import { link, startFederation, type Federation } from '../../conformance/federation';
import { startGatewayFor, type TestGateway } from '../../helpers/gateway';

// pricing takes `price` over from products for percent(50) of… clients (by default) or requests (stickiness: request).
let fed: Federation;
beforeAll(async () => {
  fed = await startFederation({
    products: {
      sdl: `${link(['@key'])}
        type Query { product(id: ID!): Product }
        type Product @key(fields: "id") { id: ID! price: Int! }`,
      resolvers: {
        Query: { product: (_: unknown, { id }: { id: string }) => ({ id, price: 1 }) },
        Product: { __resolveReference: (ref: { id: string }) => ({ id: ref.id, price: 1 }) },
      },
    },
    pricing: {
      sdl: `${link(['@key', '@override'])}
        type Product @key(fields: "id") { id: ID! price: Int! @override(from: "products", label: "percent(50)") }`,
      resolvers: { Product: { __resolveReference: (ref: { id: string }) => ({ id: ref.id, price: 2 }) } },
    },
  });
});
afterAll(() => fed?.stop());

const CLIENT_KEY = 'rateLimit:\n  clientKey: ["header:x-api-key"]\n';
const priceFor = async (gateway: TestGateway, client: string) => ((await gateway.post('{ product(id: "p1") { price } }', undefined, { 'x-api-key': client })).body.data as { product: { price: number } }).product.price;

describe('progressive override percent(N)', () => {
  let gateway: TestGateway;
  afterEach(() => gateway?.stop());

  it('is sticky per client by default: a client always sees the same side, half the clients each', async () => {
    gateway = await startGatewayFor(Object.values(fed.subgraphs), CLIENT_KEY);
    const sides = new Map<string, Set<number>>();
    for (let i = 0; i < 100; i++) {
      const client = `client-${i}`;
      const seen = new Set<number>();
      for (let j = 0; j < 4; j++) seen.add(await priceFor(gateway, client));
      sides.set(client, seen);
    }
    expect([...sides.values()].every((seen) => seen.size === 1)).toBe(true);
    const moved = [...sides.values()].filter((seen) => seen.has(2)).length;
    expect(moved).toBeGreaterThan(30);
    expect(moved).toBeLessThan(70);
  });

  it('rolls per request with overrideStickiness: request', async () => {
    gateway = await startGatewayFor(Object.values(fed.subgraphs), `${CLIENT_KEY}queryPlan:\n  overrideStickiness: request\n`);
    const seen = new Set<number>();
    for (let j = 0; j < 60 && seen.size < 2; j++) seen.add(await priceFor(gateway, 'one-client'));
    expect(seen).toEqual(new Set([1, 2]));
  });
});
