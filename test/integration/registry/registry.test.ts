import { startGatewayFor, testConfig } from '../../helpers/gateway';
import { sharedRedisUrl, uniquePrefix } from '../../helpers/redis';
import { waitFor } from '../../helpers/waitFor';
import { ADMIN_TOKEN, LINK, PRODUCTS_FULL_SDL, PRODUCTS_SDL, REVIEWS_SDL, seedYaml, startRegistryGateway, startRegistrySubgraphs, tempDir, type RegistryGateway } from './fixture';

const code = (res: { body: { errors?: Array<{ extensions?: { code?: string } }> } }) => res.body.errors?.[0]?.extensions?.code;

describe('subgraph registry', () => {
  let subgraphs: Awaited<ReturnType<typeof startRegistrySubgraphs>>;
  let dataDir: string;
  let gateway: RegistryGateway;

  beforeAll(async () => {
    subgraphs = await startRegistrySubgraphs();
    dataDir = tempDir();
    const seed = seedYaml([
      { name: 'products', url: subgraphs.products.url, sdl: PRODUCTS_SDL },
      { name: 'reviews', url: subgraphs.reviews.url, sdl: REVIEWS_SDL },
    ]);
    gateway = await startRegistryGateway({ dataDir, seed });
    await gateway.junction.ready;
  });
  afterAll(async () => {
    await gateway?.stop();
    await subgraphs?.stop();
  });

  it('is seeded from supergraph.yaml and lists the subgraphs', async () => {
    expect((await gateway.query('{ products { id name reviews { body } } }')).body.data.products[0]).toEqual({ id: '1', name: 'Product 1', reviews: [{ body: 'About 1' }] });
    const list = await gateway.admin('GET', '/admin/subgraphs');
    expect(list.status).toBe(200);
    expect(list.body.version).toBe(1);
    expect(list.body.subgraphs.map((s: { name: string; url: string; publishedBy: string }) => [s.name, s.url, s.publishedBy])).toEqual([
      ['products', subgraphs.products.url, expect.stringMatching(/^seed: /)],
      ['reviews', subgraphs.reviews.url, expect.stringMatching(/^seed: /)],
    ]);
    expect(list.body.supergraph).toBe(gateway.junction.gateway.current?.id);
  });

  it('publishes a subgraph version: it composes, becomes a version, and is served at once', async () => {
    expect(code(await gateway.query('{ products { stock } }'))).toBe('GRAPHQL_VALIDATION_FAILED');
    const published = await gateway.admin('POST', '/admin/subgraphs/products', { url: subgraphs.products.url, sdl: PRODUCTS_FULL_SDL, author: 'team-catalog' });
    expect(published.status).toBe(200);
    expect(published.body).toMatchObject({ version: 2, changed: true, subgraph: { name: 'products', publishedBy: 'team-catalog' } });
    expect(published.body.changes).toEqual([expect.objectContaining({ kind: 'FIELD_ADDED', coordinate: 'Product.stock', breaking: false })]);
    expect((await gateway.query('{ products { stock } }')).body.data).toEqual({ products: [{ stock: 1 }, { stock: 2 }] });
    const again = await gateway.admin('POST', '/admin/subgraphs/products', { url: subgraphs.products.url, sdl: PRODUCTS_FULL_SDL });
    expect(again.body).toMatchObject({ version: 2, changed: false });
  });

  it('refuses SDL that does not parse, and a change that does not compose, changing nothing', async () => {
    const before = gateway.junction.gateway.current?.id;
    const bad = await gateway.admin('POST', '/admin/subgraphs/products', { url: subgraphs.products.url, sdl: 'type Query {' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].extensions).toMatchObject({ code: 'COMPOSITION_FAILED', composition: [expect.objectContaining({ code: 'INVALID_GRAPHQL', subgraphs: ['products'] })] });
    // Review.body defined (unshareable) by a second subgraph: a composition conflict.
    const conflict = await gateway.admin('POST', '/admin/subgraphs/rogue', { url: 'http://127.0.0.1:9/graphql', sdl: `${LINK}\ntype Query { rogue: Review }\ntype Review { id: ID!, body: String! }` });
    expect(conflict.status).toBe(400);
    expect(conflict.body.errors[0].extensions.code).toBe('COMPOSITION_FAILED');
    expect(conflict.body.errors[0].extensions.composition[0]).toMatchObject({ code: 'INVALID_FIELD_SHARING', subgraphs: expect.arrayContaining(['reviews', 'rogue']) });
    expect(gateway.junction.gateway.current?.id).toBe(before);
    expect((await gateway.admin('GET', '/admin/subgraphs')).body.version).toBe(2);
  });

  it('checks a change without applying it: breaking changes and the operations they break', async () => {
    await gateway.query('query PriceList { products { id price } }');
    const check = await gateway.admin('POST', '/admin/subgraphs/products/check', { sdl: PRODUCTS_FULL_SDL.replace('price: Int!, ', '') });
    expect(check.status).toBe(200);
    expect(check.body.composes).toBe(true);
    expect(check.body.changes).toEqual([expect.objectContaining({ kind: 'FIELD_REMOVED', coordinate: 'Product.price', breaking: true })]);
    expect(check.body.affectedOperations).toEqual([expect.objectContaining({ name: 'PriceList', source: 'traffic', changes: ['Product.price'] })]);
    expect((await gateway.query('{ products { price } }')).body.data.products[0].price).toBe(100);

    const failing = await gateway.admin('POST', '/admin/subgraphs/products/check', { sdl: 'type Query {' });
    expect(failing.body).toMatchObject({ composes: false, compositionErrors: [expect.objectContaining({ code: 'INVALID_GRAPHQL' })] });
    const deletion = await gateway.admin('POST', '/admin/subgraphs/reviews/check', { delete: true });
    expect(deletion.body.composes).toBe(true);
    expect(deletion.body.changes).toEqual(expect.arrayContaining([expect.objectContaining({ coordinate: 'Product.reviews', breaking: true })]));
    const unknown = await gateway.admin('POST', '/admin/subgraphs/nobody/check', { delete: true });
    expect(unknown.status).toBe(404);
    expect(code(unknown)).toBe('SUBGRAPH_NOT_FOUND');
  });

  it('deletes a subgraph, keeps the history, and rolls back to an earlier version', async () => {
    const deleted = await gateway.admin('DELETE', '/admin/subgraphs/reviews');
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ version: 3, changed: true, subgraph: { name: 'reviews' } });
    expect(code(await gateway.query('{ products { reviews { body } } }'))).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(code(await gateway.admin('DELETE', '/admin/subgraphs/reviews'))).toBe('SUBGRAPH_NOT_FOUND');

    const history = await gateway.admin('GET', '/admin/supergraph/history');
    expect(history.body.current).toBe(3);
    expect(history.body.versions.map((v: { version: number; action: string; subgraph?: string }) => [v.version, v.action, v.subgraph])).toEqual([
      [3, 'delete', 'reviews'],
      [2, 'publish', 'products'],
      [1, 'seed', undefined],
    ]);

    const rolledBack = await gateway.admin('POST', '/admin/supergraph/rollback', { version: 2 });
    expect(rolledBack.status).toBe(200);
    expect(rolledBack.body).toMatchObject({ version: 4, rolledBackTo: 2 });
    expect((await gateway.query('{ products { stock reviews { body } } }')).body.data.products[1]).toEqual({ stock: 2, reviews: [{ body: 'About 2' }] });
    expect(code(await gateway.admin('POST', '/admin/supergraph/rollback', { version: 99 }))).toBe('VERSION_NOT_FOUND');
  });

  it('refuses unauthorized and malformed admin requests with codes', async () => {
    expect((await gateway.admin('GET', '/admin/subgraphs', undefined, 'wrong-token')).status).toBe(401);
    const anonymous = await fetch(`${gateway.url.replace('/graphql', '')}/admin/subgraphs`);
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]?.extensions.code).toBe('UNAUTHENTICATED');
    for (const body of [{ sdl: 'type Query { a: Int }' }, { url: 'not a url', sdl: 'x' }, { url: 'http://x', sdl: '' }, { url: 'http://x', sdl: 'x', extra: 1 }]) {
      const res = await gateway.admin('POST', '/admin/subgraphs/x', body);
      expect(res.status).toBe(400);
      expect(code(res)).toBe('BAD_REQUEST');
    }
    const notJson = await fetch(`${gateway.url.replace('/graphql', '')}/admin/subgraphs/x`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: '{' });
    expect(notJson.status).toBe(400);
    const huge = await fetch(`${gateway.url.replace('/graphql', '')}/admin/subgraphs/x`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ url: 'http://x', sdl: 'x'.repeat(9 * 1024 * 1024) }) });
    expect(huge.status).toBe(413);
    expect((await gateway.admin('GET', '/admin/subgraphs/x')).status).toBe(405);
    expect((await gateway.admin('POST', '/admin/subgraphs/bad name!', { url: 'http://x', sdl: 'x' })).status).toBe(404);
    expect(code(await gateway.admin('POST', '/admin/supergraph/rollback', { version: 'two' }))).toBe('BAD_REQUEST');
  });

  it('keeps the registry across a restart (no seed needed)', async () => {
    const version = (await gateway.admin('GET', '/admin/subgraphs')).body.version;
    const restarted = await startRegistryGateway({ dataDir });
    try {
      await restarted.junction.ready;
      expect((await restarted.admin('GET', '/admin/subgraphs')).body.version).toBe(version);
      expect((await restarted.query('{ products { stock reviews { body } } }')).body.data.products[0]).toEqual({ stock: 1, reviews: [{ body: 'About 1' }] });
    } finally {
      await restarted.stop();
    }
  });
});

describe('registry.allowedUrls', () => {
  it('refuses a subgraph URL matching none of the patterns with 400 SUBGRAPH_URL_NOT_ALLOWED, in publish and check', async () => {
    const subgraphs = await startRegistrySubgraphs();
    const seed = seedYaml([{ name: 'products', url: subgraphs.products.url, sdl: PRODUCTS_SDL }]);
    // Only loopback subgraphs on some port, under /graphql; the whole URL must match.
    const registryYaml = '  allowedUrls: ["http://127\\\\.0\\\\.0\\\\.1:[0-9]+/graphql"]\n';
    const gateway = await startRegistryGateway({ dataDir: tempDir(), seed, registryYaml });
    try {
      await gateway.junction.ready;
      const before = (await gateway.admin('GET', '/admin/subgraphs')).body.version;
      for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://127.0.0.1:80/graphql?x=1', 'http://127.0.0.1:80@169.254.169.254/graphql', 'http://0xA9FEA9FE/graphql']) {
        const published = await gateway.admin('POST', '/admin/subgraphs/reviews', { url, sdl: REVIEWS_SDL });
        expect([url, published.status, code(published)]).toEqual([url, 400, 'SUBGRAPH_URL_NOT_ALLOWED']);
        const checked = await gateway.admin('POST', '/admin/subgraphs/reviews/check', { url, sdl: REVIEWS_SDL });
        expect([url, checked.status, code(checked)]).toEqual([url, 400, 'SUBGRAPH_URL_NOT_ALLOWED']);
      }
      expect((await gateway.admin('GET', '/admin/subgraphs')).body.version).toBe(before);
      const allowed = await gateway.admin('POST', '/admin/subgraphs/reviews', { url: subgraphs.reviews.url, sdl: REVIEWS_SDL });
      expect(allowed.status).toBe(200);
      expect(allowed.body.changed).toBe(true);
    } finally {
      await gateway.stop();
      await subgraphs.stop();
    }
  });

  it('refuses an invalid pattern at start', () => {
    expect(() => testConfig('registry:\n  allowedUrls: ["("]\n')).toThrow(/not a valid regular expression/);
  });
});

describe('registry endpoints without an admin token', () => {
  it('do not exist (404)', async () => {
    const subgraphs = await startRegistrySubgraphs();
    const gateway = await startGatewayFor([{ name: 'products', url: subgraphs.products.url, sdl: PRODUCTS_SDL }]);
    try {
      const res = await fetch(gateway.url.replace('/graphql', '/admin/subgraphs'));
      expect(res.status).toBe(404);
    } finally {
      await gateway.stop();
      await subgraphs.stop();
    }
  });
});

describe('registry on Redis, two replicas', () => {
  it('a publish on one replica is served by the other within 2 s', async () => {
    const subgraphs = await startRegistrySubgraphs();
    const yaml = `store:\n  backend: redis\n  keyPrefix: "${uniquePrefix('registry')}"\n  redis:\n    url: ${await sharedRedisUrl()}\n`;
    const seed = seedYaml([{ name: 'products', url: subgraphs.products.url, sdl: PRODUCTS_SDL }]);
    const a = await startRegistryGateway({ dataDir: tempDir(), seed, yaml });
    const b = await startRegistryGateway({ dataDir: tempDir(), seed, yaml });
    try {
      await Promise.all([a.junction.ready, b.junction.ready]);
      expect((await b.admin('GET', '/admin/subgraphs')).body.version).toBe(1); // seeded once, by whichever came first
      const published = await a.admin('POST', '/admin/subgraphs/products', { url: subgraphs.products.url, sdl: PRODUCTS_FULL_SDL });
      expect(published.status).toBe(200);
      const started = Date.now();
      await waitFor(async () => ((await b.query('{ products { stock } }')).body.data ? true : undefined), 'replica B to serve the new version', 2000);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(b.junction.gateway.current?.id).toBe(published.body.supergraph);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
      await subgraphs.stop();
    }
  });

  it('is seeded once when replicas find it empty at the same moment', async () => {
    const subgraphs = await startRegistrySubgraphs();
    const yaml = `store:\n  backend: redis\n  keyPrefix: "${uniquePrefix('registry-seed')}"\n  redis:\n    url: ${await sharedRedisUrl()}\n`;
    const seed = seedYaml([{ name: 'products', url: subgraphs.products.url, sdl: PRODUCTS_SDL }]);
    const replicas = await Promise.all([1, 2, 3].map(() => startRegistryGateway({ dataDir: tempDir(), seed, yaml })));
    try {
      await Promise.all(replicas.map((r) => r.junction.ready));
      const history = (await replicas[0]!.admin('GET', '/admin/supergraph/history')).body as { current: number; versions: Array<{ action: string }> };
      expect(history.versions.map((v) => v.action)).toEqual(['seed']);
      expect(history.current).toBe(1);
      for (const replica of replicas) expect((await replica.admin('GET', '/admin/subgraphs')).body.version).toBe(1);
    } finally {
      await Promise.all(replicas.map((r) => r.stop()));
      await subgraphs.stop();
    }
  });
});
