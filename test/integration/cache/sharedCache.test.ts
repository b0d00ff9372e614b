import { postGraphQL, startGatewayFor, type TestGateway } from '../../helpers/gateway';
import { sharedRedisUrl, startPrivateRedis, uniquePrefix, type PrivateRedis } from '../../helpers/redis';
import { waitFor } from '../../helpers/waitFor';
import { representationsSent, startCacheFixture, type CacheFixture } from './fixture';

const STOCK = 'query Stock($ids: [ID!]!) { products(ids: $ids) { id name stock } }';
const ADMIN_TOKEN = 'admin-token-0123456789abcdef0123456789';
const caches = `cache:\n  response:\n    enabled: true\n  entities:\n    enabled: true\nadmin:\n  token:\n    value: ${ADMIN_TOKEN}\n`;

describe('caches shared through Redis', () => {
  let fixture: CacheFixture;
  beforeAll(async () => {
    fixture = await startCacheFixture(60);
  });
  afterAll(() => fixture?.stop());

  it('an invalidation sent to one replica reaches the other', async () => {
    const store = `store:\n  backend: redis\n  keyPrefix: "${uniquePrefix('cache-replicas')}"\n  redis:\n    url: ${await sharedRedisUrl()}\n`;
    const [a, b] = await Promise.all([startGatewayFor(fixture.all, store + caches), startGatewayFor(fixture.all, store + caches)]);
    try {
      await waitFor(() => (a.junction.store.available() && b.junction.store.available() ? true : undefined), 'both replicas to reach Redis');
      const ask = (g: TestGateway) => fetch(g.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: STOCK, variables: { ids: ['1', '2'] } }) });
      await (await ask(a)).text();
      // The response (and the entities) cached through A serve B.
      const fromB = await waitFor(async () => {
        const res = await ask(b);
        const body = await res.text();
        return res.headers.get('age') !== null ? body : undefined;
      }, 'B to answer from the shared cache');
      expect(JSON.parse(fromB)).toEqual({ data: { products: [{ id: '1', name: 'Product 1', stock: 10 }, { id: '2', name: 'Product 2', stock: 20 }] } });

      fixture.stocks.set('2', 222);
      const invalidated = await postGraphQL(a.url.replace('/graphql', '/admin/cache/invalidate'), { targets: [{ type: 'Product', key: { id: '2' } }] }, { authorization: `Bearer ${ADMIN_TOKEN}` });
      expect(invalidated.status).toBe(200);
      const mark = fixture.stock.requests.length;
      const res = await ask(b);
      expect(res.headers.get('age')).toBeNull();
      expect(((await res.json()) as { data: { products: Array<{ stock: number }> } }).data.products.map((p) => p.stock)).toEqual([10, 222]);
      expect(representationsSent(fixture.stock, mark).flat().map((r) => r.id)).toEqual(['2']);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  describe('Redis stopped and restarted under load', () => {
    let redis: PrivateRedis;
    let gateway: TestGateway;
    beforeAll(async () => {
      redis = await startPrivateRedis();
      gateway = await startGatewayFor(
        fixture.all,
        `store:\n  backend: redis\n  keyPrefix: "${uniquePrefix('cache-outage')}"\n  redis:\n    url: ${redis.url}\n    commandTimeoutMs: 200\n${caches}`,
      );
      await waitFor(() => (gateway.junction.store.available() ? true : undefined), 'the gateway to reach Redis');
    });
    afterAll(async () => {
      await gateway?.stop();
      await redis?.stop();
    });

    it('answers every request correctly while Redis goes away and comes back, and caches again after', async () => {
      const expected = (i: number) => ({ data: { products: [{ id: String(i), name: `Product ${i}`, stock: i * 10 }] } });
      let failures = 0;
      let firstFailure: unknown;
      let served = 0;
      let running = true;
      // Four clients in a loop over ten operations: hits, misses and stores all hit the outage.
      const client = async (offset: number) => {
        for (let n = 0; running; n++) {
          const i = 11 + ((n + offset) % 10); // products no other test changes
          const res = await postGraphQL(gateway.url, { query: STOCK, variables: { ids: [String(i)] } });
          served++;
          if (res.status !== 200 || JSON.stringify(res.body) !== JSON.stringify(expected(i))) {
            failures++;
            firstFailure ??= { status: res.status, body: res.body };
          }
        }
      };
      const clients = [0, 3, 5, 7].map(client);
      await waitFor(() => (served > 100 ? true : undefined), 'traffic with a warm cache');
      await redis.stop();
      const duringOutage = served;
      await waitFor(() => (served > duringOutage + 100 ? true : undefined), 'traffic while Redis is down');
      await redis.start();
      await waitFor(() => (gateway.junction.store.available() ? true : undefined), 'the gateway to reconnect by itself');
      const afterRestart = served;
      await waitFor(() => (served > afterRestart + 100 ? true : undefined), 'traffic after Redis is back');
      running = false;
      await Promise.all(clients);
      expect({ failures, firstFailure }).toEqual({ failures: 0, firstFailure: undefined });
      // Caching works again: a repeated operation is answered from the cache.
      await waitFor(async () => {
        const res = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: STOCK, variables: { ids: ['13'] } }) });
        await res.text();
        return res.headers.get('age') !== null ? true : undefined;
      }, 'a cache hit after the restart');
    });
  });
});
