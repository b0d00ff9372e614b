import { composeSubgraphs } from '../../../src/composition';
import { spawnCli } from '../../helpers/cli';
import { postGraphQL, startGatewayOn, writeTemp, type TestGateway } from '../../helpers/gateway';
import { sharedRedisUrl, startPrivateRedis, uniquePrefix, type PrivateRedis } from '../../helpers/redis';
import type { TestSubgraph } from '../../helpers/subgraph';
import { waitFor } from '../../helpers/waitFor';
import { apq, manifest, sha256, startCatalog } from './fixture';

const QUERY = 'query Product { product(id: "4") { id name } }';
const DATA = { product: { id: '4', name: 'Product 4' } };
const LISTED = 'query Listed { products { id } }';
const code = (res: { body: { errors?: Array<{ extensions?: Record<string, unknown> }> } }) => res.body.errors?.[0]?.extensions?.code;

describe('APQ shared through Redis', () => {
  let catalog: TestSubgraph;
  let supergraphSdl: string;

  beforeAll(async () => {
    catalog = await startCatalog();
    const composed = composeSubgraphs([{ name: 'catalog', url: catalog.url, sdl: catalog.sdl }]);
    if (!composed.ok) throw new Error('composition failed');
    supergraphSdl = composed.supergraphSdl;
  });
  afterAll(() => catalog?.stop());

  it('serves on replica B a hash registered on replica A (two junction serve processes, one Redis)', async () => {
    const redisUrl = await sharedRedisUrl();
    const supergraph = writeTemp('supergraph.graphql', supergraphSdl);
    const config = writeTemp('gateway.yaml', `store:\n  keyPrefix: "${uniquePrefix('apq-replicas')}"\nlogging:\n  level: warn\n`);
    const start = () => spawnCli(['serve', '--supergraph', supergraph, '--config', config, '--port', '0', '--host', '127.0.0.1'], { REDIS_URL: redisUrl });
    const replicas = [start(), start()];
    try {
      const [a, b] = await Promise.all(
        replicas.map((r) => waitFor(() => /Junction listening on (\S+)/.exec(r.output())?.[1], 'a replica to listen', 20_000)),
      );
      expect(code(await postGraphQL(b as string, { extensions: apq(QUERY) }))).toBe('PERSISTED_QUERY_NOT_FOUND');
      expect((await postGraphQL(a as string, { query: QUERY, extensions: apq(QUERY) })).body).toEqual({ data: DATA });
      // Registration is written after the response is computed: wait for it to land, then hit B.
      const hit = await waitFor(async () => {
        const res = await postGraphQL(b as string, { extensions: apq(QUERY) });
        return res.body.data ? res : undefined;
      }, 'replica B to see the registration');
      expect(hit.status).toBe(200);
      expect(hit.body).toEqual({ data: DATA });
    } finally {
      for (const r of replicas) r.child.kill('SIGTERM');
      await Promise.all(replicas.map((r) => r.exited));
    }
  });

  describe('Redis stopped mid-test', () => {
    let redis: PrivateRedis;
    let a: TestGateway;
    let b: TestGateway;
    let safelisted: TestGateway;

    beforeAll(async () => {
      redis = await startPrivateRedis();
      const manifestPath = writeTemp('manifest.json', manifest([{ body: LISTED }]));
      const store = `store:\n  backend: redis\n  keyPrefix: "${uniquePrefix('apq-outage')}"\n  redis:\n    url: ${redis.url}\n    commandTimeoutMs: 200\n`;
      const manifests = `  manifests:\n    - path: ${manifestPath}\n`;
      a = await startGatewayOn({ sdl: supergraphSdl }, `${store}persistedQueries:\n  mode: log_unknown\n${manifests}`);
      b = await startGatewayOn({ sdl: supergraphSdl }, `${store}persistedQueries:\n  mode: log_unknown\n${manifests}`);
      safelisted = await startGatewayOn({ sdl: supergraphSdl }, `${store}persistedQueries:\n  mode: safelist\n${manifests}`);
      await waitFor(() => (a.junction.store.available() && b.junction.store.available() ? true : undefined), 'the gateways to reach Redis');
    });
    afterAll(async () => {
      await Promise.all([a?.stop(), b?.stop(), safelisted?.stop()]);
      await redis?.stop();
    });

    it('answers APQ hashes not-found (HTTP 200, quickly) while the manifest keeps working, and recovers when Redis returns', async () => {
      expect((await a.post(QUERY, undefined, {}, undefined)).body.data).toEqual(DATA);
      expect((await postGraphQL(a.url, { query: QUERY, extensions: apq(QUERY) })).body.data).toEqual(DATA);
      await waitFor(async () => ((await postGraphQL(b.url, { extensions: apq(QUERY) })).body.data ? true : undefined), 'the registration to reach B');
      const other = '{ product(id: "5") { id } }';
      expect((await postGraphQL(a.url, { query: other, extensions: apq(other) })).body.data).toEqual({ product: { id: '5' } });

      await redis.stop();
      // Health reports the store down, and stays 200: a missing Redis means misses, not an unhealthy gateway.
      const health = await waitFor(async () => {
        const res = await fetch(b.url.replace('/graphql', '/health'));
        const body = (await res.json()) as { store: { available: boolean } };
        return body.store.available ? undefined : { status: res.status, body };
      }, 'health to report the store down');
      expect(health).toEqual({ status: 200, body: expect.objectContaining({ status: 'ok', store: { backend: 'redis', available: false } }) });

      // B never looked `other` up, so only Redis could answer it: a miss, not an error or a hang.
      const started = Date.now();
      const miss = await postGraphQL(b.url, { extensions: apq(other) });
      expect(Date.now() - started).toBeLessThan(2000);
      expect(miss.status).toBe(200);
      expect(code(miss)).toBe('PERSISTED_QUERY_NOT_FOUND');
      // Registering while Redis is down still answers the query.
      const third = '{ product(id: "6") { id } }';
      expect((await postGraphQL(b.url, { query: third, extensions: apq(third) })).body.data).toEqual({ product: { id: '6' } });
      // The manifests live in memory: ids and the safelist keep working.
      expect((await postGraphQL(b.url, { documentId: sha256(LISTED) })).body.data).toEqual({ products: [{ id: '1' }, { id: '2' }, { id: '3' }] });
      expect((await postGraphQL(safelisted.url, { query: LISTED })).body.data).toEqual({ products: [{ id: '1' }, { id: '2' }, { id: '3' }] });
      const refused = await postGraphQL(safelisted.url, { query: QUERY });
      expect(refused.status).toBe(400);
      expect(code(refused)).toBe('QUERY_NOT_IN_SAFELIST');

      await redis.start();
      await waitFor(() => (b.junction.store.available() ? true : undefined), 'B to reconnect by itself');
      const fourth = '{ product(id: "8") { id } }';
      expect((await postGraphQL(b.url, { query: fourth, extensions: apq(fourth) })).body.data).toEqual({ product: { id: '8' } });
      await waitFor(async () => ((await postGraphQL(a.url, { extensions: apq(fourth) })).body.data ? true : undefined), 'A to see the registration made through B after the restart');
    });
  });
});
