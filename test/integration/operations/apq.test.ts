import { postGraphQL, startGatewayFor, type TestGateway } from '../../helpers/gateway';
import { fakeDate } from '../../helpers/clock';
import type { TestSubgraph } from '../../helpers/subgraph';
import { apq, sha256, startCatalog } from './fixture';

const PRODUCT = 'query Product { product(id: "7") { id name } }';

describe('automatic persisted queries (in-memory store)', () => {
  let catalog: TestSubgraph;
  let gateway: TestGateway;

  beforeAll(async () => {
    catalog = await startCatalog();
    gateway = await startGatewayFor([catalog], 'limits:\n  maxDepth: 4\n  batching:\n    enabled: true\ncost:\n  max: 50\n');
  });
  afterAll(async () => {
    await gateway?.stop();
    await catalog?.stop();
  });

  const send = (body: unknown, headers: Record<string, string> = {}) => postGraphQL(gateway.url, body, headers);
  const get = async (params: Record<string, string>) => {
    const res = await fetch(`${gateway.url}?${new URLSearchParams(params).toString()}`, { headers: { 'apollo-require-preflight': 'true' } });
    return { status: res.status, headers: res.headers, body: (await res.json()) as { data?: unknown; errors?: Array<{ message: string; extensions?: { code?: string } }> } };
  };

  it('answers an unknown hash with PersistedQueryNotFound (HTTP 200, not cacheable), then serves it once registered', async () => {
    const miss = await send({ extensions: apq(PRODUCT) });
    expect(miss.status).toBe(200);
    expect(miss.body.errors).toEqual([{ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }]);
    expect(miss.headers.get('cache-control')).toBe('private, no-cache, must-revalidate');

    const registered = await send({ query: PRODUCT, extensions: apq(PRODUCT) });
    expect(registered.status).toBe(200);
    expect(registered.body).toEqual({ data: { product: { id: '7', name: 'Product 7' } } });

    const hit = await send({ extensions: apq(PRODUCT) });
    expect(hit.body).toEqual({ data: { product: { id: '7', name: 'Product 7' } } });
    expect(gateway.junction.operations.stats.apqHits).toBeGreaterThanOrEqual(1);
  });

  it('serves a registered query over GET with only the hash in the URL', async () => {
    const query = '{ products { id } }';
    await send({ query, extensions: apq(query) });
    const res = await get({ extensions: JSON.stringify(apq(query)) });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { products: [{ id: '1' }, { id: '2' }, { id: '3' }] } });
  });

  it('answers GET for an unknown hash with PERSISTED_QUERY_NOT_FOUND, and refuses a mutation over GET (405)', async () => {
    const unknown = await get({ extensions: JSON.stringify(apq('{ products { name } }')) });
    expect(unknown.status).toBe(200);
    expect(unknown.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');

    const mutation = 'mutation Touch { touch }';
    expect((await send({ query: mutation, extensions: apq(mutation) })).body).toEqual({ data: { touch: 1 } });
    const viaGet = await get({ extensions: JSON.stringify(apq(mutation)) });
    expect(viaGet.status).toBe(405);
  });

  it('refuses a hash that is not the sha256 of the query sent with it (400 PERSISTED_QUERY_HASH_MISMATCH)', async () => {
    const res = await send({ query: PRODUCT, extensions: apq('{ products { id } }') });
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_HASH_MISMATCH');
    expect(res.body.data).toBeUndefined();
  });

  it.each([
    ['version 2', { version: 2, sha256Hash: sha256(PRODUCT) }],
    ['no version', { sha256Hash: sha256(PRODUCT) }],
    ['upper-case hex', { version: 1, sha256Hash: sha256(PRODUCT).toUpperCase() }],
    ['too short', { version: 1, sha256Hash: 'abc123' }],
    ['not hex', { version: 1, sha256Hash: 'z'.repeat(64) }],
    ['a number', { version: 1, sha256Hash: 12 }],
    ['not an object', 'yes'],
  ])('refuses a malformed persistedQuery (%s) with 400 BAD_REQUEST', async (_label, persistedQuery) => {
    const before = gateway.junction.operations.stats.apqMisses + gateway.junction.operations.stats.apqHits;
    const res = await send({ extensions: { persistedQuery } });
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    // Never looked up.
    expect(gateway.junction.operations.stats.apqMisses + gateway.junction.operations.stats.apqHits).toBe(before);
  });

  it.each([
    ['a syntax error', '{ products { id '],
    ['a validation error', '{ products { price } }'],
    ['an operation over maxDepth', '{ node { child { child { child { child { id } } } } } }'],
    ['an operation over the cost limit', '{ a: products { id } b: products { id } c: products { id } d: products { id } e: products { id } f: products { id } }'],
  ])('never stores %s', async (_label, query) => {
    const registering = await send({ query, extensions: apq(query) });
    expect(registering.status).toBe(400);
    const later = await send({ extensions: apq(query) });
    expect(later.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('refuses a registration larger than the body limit (413) without storing it', async () => {
    const query = `{ products { id } } # ${'x'.repeat(1024 * 1024)}`;
    const res = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, extensions: apq(query) }) });
    expect(res.status).toBe(413);
    await res.text();
    expect((await send({ extensions: apq(query) })).body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('resolves each operation of a batch', async () => {
    const a = '{ product(id: "1") { name } }';
    const b = '{ product(id: "2") { name } }';
    await send({ query: a, extensions: apq(a) });
    const res = await send([{ extensions: apq(a) }, { query: b, extensions: apq(b) }]);
    expect(res.status).toBe(200);
    expect(res.body).toEqual([{ data: { product: { name: 'Product 1' } } }, { data: { product: { name: 'Product 2' } } }]);
  });

  it('keeps other extensions and a documentId-named APQ entry works like a hash', async () => {
    const query = '{ product(id: "3") { id } }';
    await send({ query, extensions: apq(query) });
    const byDocumentId = await send({ documentId: `sha256:${sha256(query)}` });
    expect(byDocumentId.body).toEqual({ data: { product: { id: '3' } } });
    const conflicting = await send({ documentId: sha256(PRODUCT), extensions: apq(query) });
    expect(conflicting.status).toBe(400);
    expect(conflicting.body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
  });
});

describe('APQ settings', () => {
  let catalog: TestSubgraph;
  beforeAll(async () => {
    catalog = await startCatalog();
  });
  afterAll(() => catalog?.stop());

  it('forgets registrations after persistedQueries.apq.ttlSec', async () => {
    const clock = fakeDate();
    const gateway = await startGatewayFor([catalog], 'persistedQueries:\n  apq:\n    ttlSec: 1\n');
    try {
      const answer = { data: { product: { id: '7', name: 'Product 7' } } };
      expect((await postGraphQL(gateway.url, { query: PRODUCT, extensions: apq(PRODUCT) })).body).toEqual(answer);
      expect((await postGraphQL(gateway.url, { extensions: apq(PRODUCT) })).body).toEqual(answer);
      clock.jump(1000);
      expect((await postGraphQL(gateway.url, { extensions: apq(PRODUCT) })).body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    } finally {
      await gateway.stop();
      clock.restore();
    }
  });

  it('answers PersistedQueryNotSupported when APQ is off, and still serves plain queries', async () => {
    const gateway = await startGatewayFor([catalog], 'persistedQueries:\n  apq:\n    enabled: false\n');
    try {
      const res = await postGraphQL(gateway.url, { query: PRODUCT, extensions: apq(PRODUCT) });
      expect(res.status).toBe(200);
      expect(res.body.errors).toEqual([{ message: 'PersistedQueryNotSupported', extensions: { code: 'PERSISTED_QUERY_NOT_SUPPORTED' } }]);
      expect((await postGraphQL(gateway.url, { query: PRODUCT })).body.data).toEqual({ product: { id: '7', name: 'Product 7' } });
    } finally {
      await gateway.stop();
    }
  });
});
