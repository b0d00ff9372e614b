import { startGatewayFor, postGraphQL, type TestGateway } from '../../helpers/gateway';
import { devToken } from '../../helpers/identity';
import { requestCounts, startCacheFixture, type CacheFixture } from './fixture';

const ADMIN_TOKEN = 'admin-token-0123456789abcdef0123456789';
const APP = 'https://app.example.com';

interface Reply {
  status: number;
  text: string;
  etag: string | null;
  age: string | null;
  cacheControl: string | null;
}

async function ask(url: string, query: string, headers: Record<string, string> = {}, method: 'POST' | 'GET' = 'POST'): Promise<Reply> {
  const res =
    method === 'POST'
      ? await fetch(url, { method, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) })
      : await fetch(`${url}?query=${encodeURIComponent(query)}`, { headers: { 'apollo-require-preflight': 'true', ...headers } });
  return { status: res.status, text: await res.text(), etag: res.headers.get('etag'), age: res.headers.get('age'), cacheControl: res.headers.get('cache-control') };
}

const total = (counts: Record<string, number>): number => Object.values(counts).reduce((a, b) => a + b, 0);

/** A cache hit is the stored bytes; cacheable answers carry a strong ETag; If-None-Match that names it is a 304. */
describe('response cache: stored bytes and conditional requests', () => {
  let fixture: CacheFixture;
  let gateway: TestGateway;

  beforeAll(async () => {
    fixture = await startCacheFixture(60);
    gateway = await startGatewayFor(fixture.all, `cache:\n  response:\n    enabled: true\n    varyHeaders: [accept-language]\ncors:\n  origins: [${APP}]\nlimits:\n  batching:\n    enabled: true\nadmin:\n  token:\n    value: ${ADMIN_TOKEN}\n`);
  });
  afterAll(async () => {
    await gateway?.stop();
    await fixture?.stop();
  });

  it('answers a hit with the exact bytes of the answer it stored, and the same strong ETag', async () => {
    const query = '{ products(ids: ["1", "2"]) { id name stock } }';
    const miss = await ask(gateway.url, query);
    expect(miss.status).toBe(200);
    expect(miss.age).toBeNull();
    expect(miss.etag).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
    expect(JSON.parse(miss.text)).toEqual({ data: { products: [{ id: '1', name: 'Product 1', stock: 10 }, { id: '2', name: 'Product 2', stock: 20 }] } });
    const hit = await ask(gateway.url, query);
    expect(hit.age).toMatch(/^\d+$/);
    expect(hit.text).toBe(miss.text);
    expect(hit.etag).toBe(miss.etag);
    expect(hit.cacheControl).toMatch(/^max-age=(59|60), public$/);
  });

  it('answers If-None-Match naming the ETag with 304 and no body, from the cache; another ETag gets the answer', async () => {
    const query = '{ products(ids: ["3"]) { id name stock } }';
    const first = await ask(gateway.url, query);
    const before = requestCounts(fixture);
    const revalidated = await ask(gateway.url, query, { 'if-none-match': `"other", ${first.etag}` });
    expect(revalidated).toEqual({ status: 304, text: '', etag: first.etag, age: expect.stringMatching(/^\d+$/), cacheControl: expect.stringMatching(/^max-age=\d+, public$/) });
    expect(requestCounts(fixture)).toEqual(before);
    const stale = await ask(gateway.url, query, { 'if-none-match': '"not-this-one"' });
    expect(stale.status).toBe(200);
    expect(stale.text).toBe(first.text);
  });

  it('revalidates for free after an invalidation when the data did not change, and not when it did', async () => {
    const query = '{ products(ids: ["4"]) { id name } }';
    const first = await ask(gateway.url, query);
    const invalidate = () => postGraphQL(gateway.url.replace('/graphql', '/admin/cache/invalidate'), { targets: [{ type: 'Product' }] }, { authorization: `Bearer ${ADMIN_TOKEN}` });
    expect((await invalidate()).status).toBe(200);
    const before = requestCounts(fixture);
    // A miss (the subgraph is asked again) with the same bytes: still 304.
    const same = await ask(gateway.url, query, { 'if-none-match': first.etag ?? '' });
    expect(same.status).toBe(304);
    expect(same.age).toBeNull();
    expect(total(requestCounts(fixture))).toBeGreaterThan(total(before));
    fixture.names.set('4', 'Renamed 4');
    expect((await invalidate()).status).toBe(200);
    const changed = await ask(gateway.url, query, { 'if-none-match': first.etag ?? '' });
    expect(changed.status).toBe(200);
    expect(changed.etag).not.toBe(first.etag);
    expect(JSON.parse(changed.text)).toEqual({ data: { products: [{ id: '4', name: 'Renamed 4' }] } });
  });

  it('gives no ETag (and so no 304) to answers that may not be cached', async () => {
    for (const query of ['{ broken { id } }', '{ tick }']) {
      const first = await ask(gateway.url, query);
      expect(first.etag).toBeNull();
      const again = await ask(gateway.url, query, { 'if-none-match': '*' });
      expect(again.status).toBe(200);
      expect(again.text.length).toBeGreaterThan(0);
    }
  });

  it('answers 304 only to a caller the answer is for: a PRIVATE entry is not revalidated by another principal, a caller without the scope gets its own answer', async () => {
    const alice = { authorization: `Bearer ${await devToken('alice')}` };
    const bob = { authorization: `Bearer ${await devToken('bob')}` };
    const query = '{ me { sub } }';
    const a1 = await ask(gateway.url, query, alice);
    expect(a1.cacheControl).toBe('max-age=60, private');
    expect((await ask(gateway.url, query, { ...alice, 'if-none-match': a1.etag ?? '' })).status).toBe(304);
    const b1 = await ask(gateway.url, query, { ...bob, 'if-none-match': a1.etag ?? '' });
    expect(b1.status).toBe(200);
    expect(JSON.parse(b1.text)).toEqual({ data: { me: { sub: 'bob' } } });

    const reader = { authorization: `Bearer ${await devToken('reader', ['read:secret'])}` };
    const secret = '{ secret }';
    const r1 = await ask(gateway.url, secret, reader);
    expect(r1.etag).not.toBeNull();
    const denied = await ask(gateway.url, secret, { 'if-none-match': r1.etag ?? '' });
    expect(denied.status).toBe(200);
    expect(JSON.parse(denied.text).data.secret).toBeNull();
  });

  it('serves GET: a public answer is cacheable by a CDN (Cache-Control public, ETag) and revalidates with 304', async () => {
    const query = '{ products(ids: ["5"]) { id name } }';
    const first = await ask(gateway.url, query, {}, 'GET');
    expect(first.status).toBe(200);
    expect(first.cacheControl).toMatch(/^max-age=\d+, public$/);
    expect(first.etag).not.toBeNull();
    const again = await ask(gateway.url, query, { 'if-none-match': first.etag ?? '' }, 'GET');
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
  });

  it('tells downstream caches what the answer varies on: the key\'s vary headers beside CORS\'s Origin', async () => {
    const query = '{ products(ids: ["7"]) { id name } }';
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${gateway.url}?query=${encodeURIComponent(query)}`, { headers: { 'apollo-require-preflight': 'true', origin: APP, 'accept-language': 'fr' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBe(APP);
      expect(res.headers.get('vary')?.split(', ').sort()).toEqual(['Origin', 'accept-language']);
    }
  });

  it('answers a batch from the cache as stored bytes, never 304', async () => {
    const query = '{ products(ids: ["6"]) { id name } }';
    const single = await ask(gateway.url, query);
    const res = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', 'if-none-match': single.etag ?? '' }, body: JSON.stringify([{ query }, { query }]) });
    expect(res.status).toBe(200);
    expect(JSON.parse(await res.text())).toEqual([JSON.parse(single.text), JSON.parse(single.text)]);
  });
});
