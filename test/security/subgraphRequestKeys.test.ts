import { startTestSubgraph, type TestSubgraph } from '../helpers/subgraph';
import { startGatewayFor, type TestGateway } from '../helpers/gateway';
import { devToken } from '../helpers/identity';

/**
 * Security finding: a cached subgraph answer may be served only to requests that would have sent the
 * subgraph the same request. The tenant header a rule propagates, and the claims forwarded in
 * `extensions.jwt`, change what a subgraph answers, so they are part of every cache and dedup key.
 */
const LINK = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@inaccessible"])
enum CacheControlScope @inaccessible { PUBLIC PRIVATE }
directive @cacheControl(maxAge: Int, scope: CacheControlScope, inheritMaxAge: Boolean) on FIELD_DEFINITION | OBJECT | INTERFACE | UNION`;
const TENANTS = `${LINK}
type Query { plan: String @cacheControl(maxAge: 60) whoami: String @cacheControl(maxAge: 60) products: [Product] @cacheControl(maxAge: 60) }
type Product @key(fields: "id") @cacheControl(maxAge: 60) { id: ID! }`;
const PRICES = `${LINK}
type Product @key(fields: "id") @cacheControl(maxAge: 60) { id: ID! price: String }`;

type Context = { headers: Record<string, string | string[] | undefined>; claims?: { sub?: string } };
const tenantOf = (context: unknown) => String((context as Context).headers['x-tenant'] ?? 'none');

describe.each([
  ['entity cache', 'cache:\n  entities:\n    enabled: true\n'],
  ['response and entity caches', 'cache:\n  response:\n    enabled: true\n  entities:\n    enabled: true\n'],
])('%s: answers that depend on what the subgraph request carries are not shared', (_name, caches) => {
  let tenants: TestSubgraph;
  let prices: TestSubgraph;
  let gateway: TestGateway;

  beforeAll(async () => {
    tenants = await startTestSubgraph('tenants', TENANTS, {
      Query: {
        plan: (_: unknown, __: unknown, context: unknown) => `plan of ${tenantOf(context)}`,
        // The forwarded claims (extensions.jwt.payload), as a subgraph reading them would answer.
        whoami: (_: unknown, __: unknown, context: unknown) => (context as Context).claims?.sub ?? 'anonymous',
        products: () => [{ id: 'p1' }],
      },
    }, { context: (body) => ({ claims: (body as { extensions?: { jwt?: { payload?: unknown } } }).extensions?.jwt?.payload }) });
    prices = await startTestSubgraph('prices', PRICES, {
      Product: { __resolveReference: (ref: { id: string }, context: unknown) => ({ id: ref.id, price: `${tenantOf(context)} price` }) },
    });
    gateway = await startGatewayFor([tenants, prices], `${caches}headers:\n  all:\n    - propagate: { named: x-tenant }\n`);
  });
  afterAll(async () => {
    await gateway.stop();
    await tenants.stop();
    await prices.stop();
  });

  it('a root field answered per propagated tenant header', async () => {
    const a = await gateway.post('{ plan }', undefined, { 'x-tenant': 'alpha' });
    expect(a.body).toEqual({ data: { plan: 'plan of alpha' } });
    const b = await gateway.post('{ plan }', undefined, { 'x-tenant': 'beta' });
    expect(b.body).toEqual({ data: { plan: 'plan of beta' } });
    const again = tenants.requests.length;
    expect((await gateway.post('{ plan }', undefined, { 'x-tenant': 'alpha' })).body).toEqual({ data: { plan: 'plan of alpha' } });
    expect(tenants.requests.length).toBe(again); // still cached for the same tenant
  });

  it('an entity answered per propagated tenant header', async () => {
    const a = await gateway.post('{ products { id price } }', undefined, { 'x-tenant': 'alpha' });
    expect(a.body).toEqual({ data: { products: [{ id: 'p1', price: 'alpha price' }] } });
    const b = await gateway.post('{ products { id price } }', undefined, { 'x-tenant': 'beta' });
    expect(b.body).toEqual({ data: { products: [{ id: 'p1', price: 'beta price' }] } });
  });

  it('a root field answered from the forwarded claims', async () => {
    const alice = await gateway.post('{ whoami }', undefined, { authorization: `Bearer ${await devToken('alice')}` });
    expect(alice.body).toEqual({ data: { whoami: 'alice' } });
    const bob = await gateway.post('{ whoami }', undefined, { authorization: `Bearer ${await devToken('bob')}` });
    expect(bob.body).toEqual({ data: { whoami: 'bob' } });
  });
});
