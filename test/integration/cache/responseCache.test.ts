import { postGraphQL, startGatewayFor, type TestGateway } from '../../helpers/gateway';
import { fakeDate } from '../../helpers/clock';
import { devToken } from '../../helpers/identity';
import { requestCounts, startCacheFixture, type CacheFixture } from './fixture';

const PRODUCTS = 'query Products($ids: [ID!]!) { products(ids: $ids) { id name stock } }';
const ADMIN_TOKEN = 'admin-token-0123456789abcdef0123456789';

async function post(url: string, query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
  return { status: res.status, age: res.headers.get('age'), cacheControl: res.headers.get('cache-control'), vary: res.headers.get('vary'), body: (await res.json()) as { data?: any; errors?: Array<{ extensions?: { code?: string } }>; extensions?: Record<string, unknown> } };
}

describe('response cache', () => {
  let fixture: CacheFixture;
  let gateway: TestGateway;

  beforeAll(async () => {
    fixture = await startCacheFixture(5);
    gateway = await startGatewayFor(fixture.all, `cache:\n  response:\n    enabled: true\n    varyHeaders: [accept-language]\nadmin:\n  token:\n    value: ${ADMIN_TOKEN}\n`);
  });
  afterAll(async () => {
    await gateway?.stop();
    await fixture?.stop();
  });

  it('answers a repeated query from the cache: no subgraph is asked, Age is set, max-age is the smallest part', async () => {
    const first = await post(gateway.url, PRODUCTS, { ids: ['1', '2'] });
    expect(first.body).toEqual({ data: { products: [{ id: '1', name: 'Product 1', stock: 10 }, { id: '2', name: 'Product 2', stock: 20 }] } });
    expect(first.cacheControl).toBe('max-age=5, public');
    expect(first.age).toBeNull();
    const before = requestCounts(fixture);
    const second = await post(gateway.url, PRODUCTS, { ids: ['1', '2'] });
    expect(second.body).toEqual(first.body);
    expect(second.age).toMatch(/^\d+$/);
    expect(second.cacheControl).toMatch(/^max-age=[1-5], public$/);
    expect(requestCounts(fixture)).toEqual(before);
  });

  it('runs identical concurrent misses once (the others wait for its answer)', async () => {
    const before = requestCounts(fixture);
    const answers = await Promise.all(Array.from({ length: 10 }, () => post(gateway.url, PRODUCTS, { ids: ['13', '14'] })));
    for (const answer of answers) expect(answer.body.data.products.map((p: { id: string }) => p.id)).toEqual(['13', '14']);
    expect(requestCounts(fixture).catalog).toBe(before.catalog + 1);
    expect(requestCounts(fixture).stock).toBe(before.stock + 1);
    expect(answers.filter((a) => a.age === null)).toHaveLength(1);
  });

  it('keys on the variables, the operation and the vary headers', async () => {
    await post(gateway.url, PRODUCTS, { ids: ['3'] });
    let before = requestCounts(fixture);
    await post(gateway.url, PRODUCTS, { ids: ['4'] });
    expect(requestCounts(fixture).catalog).toBe(before.catalog + 1);

    const fr = await post(gateway.url, PRODUCTS, { ids: ['5'] }, { 'accept-language': 'fr' });
    // Downstream caches are told to key on the vary headers too (on a miss and on a hit).
    expect(fr.vary?.split(', ')).toContain('accept-language');
    expect((await post(gateway.url, PRODUCTS, { ids: ['5'] }, { 'accept-language': 'fr' })).vary?.split(', ')).toContain('accept-language');
    before = requestCounts(fixture);
    await post(gateway.url, PRODUCTS, { ids: ['5'] }, { 'accept-language': 'de' });
    expect(requestCounts(fixture).catalog).toBe(before.catalog + 1);
    await post(gateway.url, PRODUCTS, { ids: ['5'] }, { 'accept-language': 'fr' });
    expect(requestCounts(fixture).catalog).toBe(before.catalog + 1);
  });

  it('expires entries after the TTL the subgraphs allow', async () => {
    // The clock jumps 5 s and then goes back: what is stored meanwhile (product 6 only) no other test reads.
    const clock = fakeDate();
    try {
      await post(gateway.url, PRODUCTS, { ids: ['6'] });
      const before = requestCounts(fixture);
      expect((await post(gateway.url, PRODUCTS, { ids: ['6'] })).age).toMatch(/^\d+$/);
      expect(requestCounts(fixture)).toEqual(before);
      clock.jump(5000);
      const after = await post(gateway.url, PRODUCTS, { ids: ['6'] });
      expect(after.age).toBeNull();
      expect(requestCounts(fixture).catalog).toBe(before.catalog + 1);
    } finally {
      clock.restore();
    }
  });

  it('never caches errors, mutations, or a response a part of which had no cache hint', async () => {
    for (const query of ['{ broken { id } }', '{ tick }', '{ products(ids: ["7"]) { id } tick }']) {
      const first = await post(gateway.url, query);
      const before = requestCounts(fixture);
      const again = await post(gateway.url, query);
      expect(again.age).toBeNull();
      expect(Object.values(requestCounts(fixture)).reduce((a, b) => a + b)).toBeGreaterThan(Object.values(before).reduce((a, b) => a + b));
      expect(first.cacheControl).toBe('no-store');
    }
    expect((await post(gateway.url, '{ tick }')).body.data.tick).toBeGreaterThan(2);
    const mutation = 'mutation { setStock(id: "8", stock: 1) { id stock } }';
    await post(gateway.url, mutation);
    const before = requestCounts(fixture);
    expect((await post(gateway.url, mutation)).age).toBeNull();
    expect(requestCounts(fixture).stock).toBe(before.stock + 1);
  });

  it('keeps PRIVATE responses per principal: one caller never gets another\'s data, anonymous answers are not kept', async () => {
    const alice = { authorization: `Bearer ${await devToken('alice')}` };
    const bob = { authorization: `Bearer ${await devToken('bob')}` };
    const query = '{ me { sub } products(ids: ["9"]) { id note } }';
    const a1 = await post(gateway.url, query, undefined, alice);
    expect(a1.body.data).toEqual({ me: { sub: 'alice' }, products: [{ id: '9', note: 'alice likes 9' }] });
    expect(a1.cacheControl).toBe('max-age=60, private');
    const b1 = await post(gateway.url, query, undefined, bob);
    expect(b1.age).toBeNull();
    expect(b1.body.data).toEqual({ me: { sub: 'bob' }, products: [{ id: '9', note: 'bob likes 9' }] });
    const a2 = await post(gateway.url, query, undefined, alice);
    expect(a2.age).toMatch(/^\d+$/);
    expect(a2.body.data.me.sub).toBe('alice');
    const b2 = await post(gateway.url, query, undefined, bob);
    expect(b2.age).toMatch(/^\d+$/);
    expect(b2.body.data.me.sub).toBe('bob');
    await post(gateway.url, query);
    expect((await post(gateway.url, query)).age).toBeNull();
  });

  it('keys on what the caller may see: a response cached for a caller with a scope is not served to one without', async () => {
    const reader = { authorization: `Bearer ${await devToken('reader', ['read:secret'])}` };
    const other = { authorization: `Bearer ${await devToken('other')}` };
    const query = '{ secret products(ids: ["10"]) { id } }';
    await post(gateway.url, query, undefined, reader);
    expect((await post(gateway.url, query, undefined, reader)).body.data.secret).toBe('the secret');
    const denied = await post(gateway.url, query, undefined, other);
    expect(denied.age).toBeNull();
    expect(denied.body.data.secret).toBeNull();
    expect(denied.body.errors?.[0]?.extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
  });

  it('bypasses the cache for plan and cost inspection', async () => {
    await post(gateway.url, PRODUCTS, { ids: ['11'] });
    const plan = await post(gateway.url, PRODUCTS, { ids: ['11'] }, { 'apollo-expose-query-plan': 'true' });
    expect(plan.age).toBeNull();
    expect(plan.body.data).toEqual({ products: [{ id: '11', name: 'Product 11', stock: 110 }] });
    expect(plan.body.extensions?.apolloQueryPlan).toMatchObject({ object: { kind: 'QueryPlan' }, text: expect.stringContaining('Fetch(service: "catalog")') });
  });

  it('drops responses that hold an invalidated type or subgraph (admin API), and a mutated entity\'s type', async () => {
    const admin = (targets: unknown[]) =>
      postGraphQL(gateway.url.replace('/graphql', '/admin/cache/invalidate'), { targets }, { authorization: `Bearer ${ADMIN_TOKEN}` });
    const cachedAgain = async () => (await post(gateway.url, PRODUCTS, { ids: ['12'] })).age !== null;
    await post(gateway.url, PRODUCTS, { ids: ['12'] });
    expect(await cachedAgain()).toBe(true);

    fixture.names.set('12', 'Renamed 12');
    expect((await admin([{ type: 'Product' }])).status).toBe(200);
    const fresh = await post(gateway.url, PRODUCTS, { ids: ['12'] });
    expect(fresh.age).toBeNull();
    expect(fresh.body.data.products[0].name).toBe('Renamed 12');
    expect(await cachedAgain()).toBe(true);

    expect((await admin([{ subgraph: 'stock' }])).status).toBe(200);
    expect(await cachedAgain()).toBe(false);
    expect(await cachedAgain()).toBe(true);

    expect((await admin([{ tag: 'inventory-feed' }])).status).toBe(200);
    expect(await cachedAgain()).toBe(false);

    // A mutation returning Product 30 (with its key) invalidates responses holding Products.
    expect(await cachedAgain()).toBe(true);
    await post(gateway.url, 'mutation { setStock(id: "30", stock: 3) { id stock } }');
    expect(await cachedAgain()).toBe(false);
  });
});
