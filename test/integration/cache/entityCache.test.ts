import { postGraphQL, startGatewayFor, type TestGateway } from '../../helpers/gateway';
import { devToken } from '../../helpers/identity';
import { representationsSent, requestCounts, startCacheFixture, type CacheFixture } from './fixture';

const STOCK = 'query Stock($ids: [ID!]!) { products(ids: $ids) { id name stock } }';
const ADMIN_TOKEN = 'admin-token-0123456789abcdef0123456789';
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => String(from + i));

describe('entity cache', () => {
  let fixture: CacheFixture;
  let gateway: TestGateway;
  const stockData = async (ids: string[], headers: Record<string, string> = {}) => {
    const res = await postGraphQL(gateway.url, { query: STOCK, variables: { ids } }, headers);
    expect(res.body.errors).toBeUndefined();
    return res.body.data as { products: Array<{ id: string; name: string; stock: number }> };
  };
  const sentSince = (from: number) => representationsSent(fixture.stock, from).flat().map((r) => r.id);
  const admin = (targets: unknown[]) => postGraphQL(gateway.url.replace('/graphql', '/admin/cache/invalidate'), { targets }, { authorization: `Bearer ${ADMIN_TOKEN}` });

  beforeAll(async () => {
    fixture = await startCacheFixture(60);
    gateway = await startGatewayFor(fixture.all, `cache:\n  entities:\n    enabled: true\n    subgraphs:\n      clock:\n        enabled: false\nadmin:\n  token:\n    value: ${ADMIN_TOKEN}\n`);
  });
  afterAll(async () => {
    await gateway?.stop();
    await fixture?.stop();
  });

  it('asks a subgraph only for the entities it does not hold (partial hits), and answers root fields from the cache', async () => {
    const mark = fixture.stock.requests.length;
    const first = await stockData(range(1, 5));
    expect(first.products.map((p) => p.stock)).toEqual([10, 20, 30, 40, 50]);
    expect(sentSince(mark)).toEqual(range(1, 5));

    const mark2 = fixture.stock.requests.length;
    const catalogBefore = fixture.catalog.requests.length;
    const second = await stockData(range(1, 10));
    expect(second.products.map((p) => p.stock)).toEqual(range(1, 10).map((i) => Number(i) * 10));
    expect(second.products.map((p) => p.name)).toEqual(range(1, 10).map((i) => `Product ${i}`));
    expect(sentSince(mark2)).toEqual(range(6, 10));
    expect(fixture.catalog.requests.length).toBe(catalogBefore + 1); // a new root-field argument

    const before = requestCounts(fixture);
    await stockData(range(1, 10));
    expect(requestCounts(fixture)).toEqual(before); // root result and every entity cached
  });

  it('shares entities between differently named client operations', async () => {
    await postGraphQL(gateway.url, { query: 'query First { products(ids: ["45", "46"]) { id stock } }' });
    const mark = fixture.stock.requests.length;
    const second = await postGraphQL(gateway.url, { query: 'query Second { products(ids: ["45", "46"]) { id stock } }' });
    expect(second.body.data).toEqual({ products: [{ id: '45', stock: 450 }, { id: '46', stock: 460 }] });
    expect(fixture.stock.requests.length).toBe(mark);
  });

  it('keeps PRIVATE entities per principal', async () => {
    const query = '{ products(ids: ["20", "21"]) { id note } }';
    const alice = { authorization: `Bearer ${await devToken('alice')}` };
    const bob = { authorization: `Bearer ${await devToken('bob')}` };
    const asAlice = await postGraphQL(gateway.url, { query }, alice);
    expect(asAlice.body.data).toEqual({ products: [{ id: '20', note: 'alice likes 20' }, { id: '21', note: 'alice likes 21' }] });
    const mark = fixture.profile.requests.length;
    const asBob = await postGraphQL(gateway.url, { query }, bob);
    expect(asBob.body.data).toEqual({ products: [{ id: '20', note: 'bob likes 20' }, { id: '21', note: 'bob likes 21' }] });
    expect(fixture.profile.requests.length).toBe(mark + 1);
    expect((await postGraphQL(gateway.url, { query }, alice)).body.data).toEqual(asAlice.body.data);
    expect(fixture.profile.requests.length).toBe(mark + 1);
    // Anonymous callers get their own answer, and nothing private is kept for them.
    const anonymous = await postGraphQL(gateway.url, { query });
    expect(anonymous.body.data).toEqual({ products: [{ id: '20', note: 'anonymous likes 20' }, { id: '21', note: 'anonymous likes 21' }] });
    await postGraphQL(gateway.url, { query });
    expect(fixture.profile.requests.length).toBe(mark + 3);
  });

  it('invalidates one entity, a type, a subgraph or a tag through the admin API', async () => {
    await stockData(range(30, 33));
    fixture.stocks.set('31', 999);
    expect((await admin([{ type: 'Product', key: { id: '31' } }])).body).toEqual({ invalidated: 1 });
    let mark = fixture.stock.requests.length;
    const after = await stockData(range(30, 33));
    expect(sentSince(mark)).toEqual(['31']);
    expect(after.products.find((p) => p.id === '31')?.stock).toBe(999);

    for (const target of [{ subgraph: 'stock' }, { type: 'Product' }, { tag: 'inventory-feed' }]) {
      await admin([target]);
      mark = fixture.stock.requests.length;
      await stockData(range(30, 33));
      expect(sentSince(mark)).toEqual(range(30, 33));
    }
    mark = fixture.stock.requests.length;
    await stockData(range(30, 33));
    expect(sentSince(mark)).toEqual([]);
  });

  it('a mutation returning an entity (with its key) invalidates it', async () => {
    await stockData(range(40, 42));
    const mutated = await postGraphQL(gateway.url, { query: 'mutation { setStock(id: "41", stock: 7) { id stock } }' });
    expect(mutated.body.data).toEqual({ setStock: { id: '41', stock: 7 } });
    const mark = fixture.stock.requests.length;
    const after = await stockData(range(40, 42));
    expect(sentSince(mark)).toEqual(['41']);
    expect(after.products.map((p) => p.stock)).toEqual([400, 7, 420]);
  });

  it('does not cache a subgraph it is switched off for, nor an answer with errors', async () => {
    const before = fixture.clock.requests.length;
    await postGraphQL(gateway.url, { query: '{ tick }' });
    await postGraphQL(gateway.url, { query: '{ tick }' });
    expect(fixture.clock.requests.length).toBe(before + 2);
    const broken = fixture.catalog.requests.length;
    await postGraphQL(gateway.url, { query: '{ broken { id } }' });
    await postGraphQL(gateway.url, { query: '{ broken { id } }' });
    expect(fixture.catalog.requests.length).toBe(broken + 2);
  });
});
