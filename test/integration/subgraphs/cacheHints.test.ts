import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { BENCHMARK_QUERY } from '../../../bench/queries';
import { SUBGRAPH_NAMES, startAllSubgraphs, type RunningFleet, type SubgraphName } from '../../../subgraphs';
import { startGatewayFor, type TestGateway } from '../../helpers/gateway';
import { identityHeader } from '../../helpers/identity';

/** The Cache-Control each sample subgraph answers a cacheable query with (set by its schema's @cacheControl hints). */
const CACHEABLE: Readonly<Record<SubgraphName, string>> = {
  accounts: 'max-age=60, private',
  inventory: 'max-age=5, public',
  products: 'max-age=60, public',
  reviews: 'max-age=30, public',
};

interface Answer {
  readonly status: number;
  readonly cacheControl: string | null;
  readonly body: { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> };
}

async function send(url: string, query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
  return { status: res.status, cacheControl: res.headers.get('cache-control'), body: (await res.json()) as Answer['body'] };
}

/** An `_entities` request shaped as the gateway sends it. */
function entities(url: string, representations: Array<Record<string, unknown>>, selection: string): Promise<Answer> {
  return send(url, `query ($representations: [_Any!]!) { _entities(representations: $representations) { ${selection} } }`, { representations });
}

const products = (...upcs: string[]) => upcs.map((upc) => ({ __typename: 'Product', upc }));
const users = (...ids: string[]) => ids.map((id) => ({ __typename: 'User', id }));

describe('Cache-Control headers from the sample subgraphs', () => {
  let fleet: RunningFleet;
  let url: Record<SubgraphName, string>;

  beforeAll(async () => {
    fleet = await startAllSubgraphs();
    const { accounts, inventory, products, reviews } = fleet.byName;
    url = { accounts: accounts.url, inventory: inventory.url, products: products.url, reviews: reviews.url };
  });
  afterAll(() => fleet.stop());

  describe('cacheable answers', () => {
    it('products: public for 60s for topProducts, product(upc) and Product entities', async () => {
      const top = await send(url.products, '{ topProducts { upc name } }');
      const one = await send(url.products, '{ product(upc: "3") { upc name price weight } }');
      const refs = await entities(url.products, products('1', '2'), '... on Product { name price weight }');
      for (const res of [top, one, refs]) {
        expect(res.body.errors).toBeUndefined();
        expect(res.cacheControl).toBe(CACHEABLE.products);
      }
    });

    it('inventory: public for 5s for Product entities, with and without the required price and weight', async () => {
      const required = await entities(
        url.inventory,
        [{ __typename: 'Product', upc: '1', price: 712, weight: 38 }, { __typename: 'Product', upc: '2', price: 1325, weight: 15 }],
        '... on Product { inStock shippingEstimate }',
      );
      expect(required.body).toEqual({ data: { _entities: [{ inStock: true, shippingEstimate: 19 }, { inStock: expect.any(Boolean), shippingEstimate: 0 }] } });
      expect(required.cacheControl).toBe(CACHEABLE.inventory);

      const stockOnly = await entities(url.inventory, products('1'), '... on Product { inStock }');
      expect(stockOnly.body.errors).toBeUndefined();
      expect(stockOnly.cacheControl).toBe(CACHEABLE.inventory);
    });

    it('accounts: private for 60s for users, user(id), me and User entities', async () => {
      const list = await send(url.accounts, '{ users { id name } }');
      const one = await send(url.accounts, '{ user(id: "3") { id username } }');
      const me = await send(url.accounts, '{ me { id name } }', undefined, await identityHeader('1', 'accounts'));
      const refs = await entities(url.accounts, users('1', '2'), '... on User { username name }');
      expect(me.body.data).toEqual({ me: { id: '1', name: 'Ada Lovelace' } });
      for (const res of [list, one, me, refs]) {
        expect(res.body.errors).toBeUndefined();
        expect(res.cacheControl).toBe(CACHEABLE.accounts);
      }
    });

    it('reviews: public for 30s for User.reviews and Product.reviews entities, down to nested references', async () => {
      const byAuthor = await entities(url.reviews, users('1'), '... on User { reviews { id body product { __typename upc } } }');
      const byProduct = await entities(url.reviews, products('1'), '... on Product { reviews { id body author { __typename id reviews { id body } } } }');
      const mixed = await entities(
        url.reviews,
        [...users('2'), ...products('2'), { __typename: 'Review', id: '7' }],
        '... on User { reviews { id } } ... on Product { reviews { id } } ... on Review { body }',
      );
      expect(byAuthor.body.data).toEqual({ _entities: [{ reviews: [expect.objectContaining({ id: '1' }), expect.objectContaining({ id: '101' })] }] });
      for (const res of [byAuthor, byProduct, mixed]) {
        expect(res.body.errors).toBeUndefined();
        expect(res.cacheControl).toBe(CACHEABLE.reviews);
      }
    });
  });

  describe('uncacheable answers', () => {
    it('marks a successful createReview mutation no-store, though Review is cacheable', async () => {
      const res = await send(
        url.reviews,
        'mutation ($input: CreateReviewInput!) { createReview(input: $input) { id body author { id } product { upc } } }',
        { input: { productUpc: '4', body: 'Whistles politely.' } },
        await identityHeader('5', 'reviews'),
      );
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data).toEqual({ createReview: { id: expect.any(String), body: 'Whistles politely.', author: { id: '5' }, product: { upc: '4' } } });
      expect(res.cacheControl).toBe('no-store');
    });

    it('marks an answer with a resolver error no-store, even when its other fields are cacheable', async () => {
      const res = await send(url.products, '{ product(upc: "1") { upc } topProducts(first: -1) { upc } }');
      expect(res.status).toBe(200);
      expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(res.cacheControl).toBe('no-store');
    });

    it('marks a refused mutation no-store', async () => {
      const res = await send(url.reviews, 'mutation { createReview(input: { productUpc: "1", body: "Anonymous." }) { id } }');
      expect(res.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(res.cacheControl).toBe('no-store');
    });

    it('marks invalid queries and requests refused by the HTTP layer no-store', async () => {
      const invalid = await send(url.products, '{ noSuchField }');
      expect(invalid.status).toBe(400);
      expect(invalid.cacheControl).toBe('no-store');

      const csrf = await fetch(url.products, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"query":"{ topProducts { upc } }"}' });
      expect(csrf.status).toBe(400);
      expect(csrf.headers.get('cache-control')).toBe('no-store');

      // 404 and 405 are answers HTTP caches may keep by heuristic when no header forbids it.
      const wrongMethod = await fetch(url.products, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"query":"{ topProducts { upc } }"}' });
      expect(wrongMethod.status).toBe(405);
      expect(wrongMethod.headers.get('cache-control')).toBe('no-store');

      const notFound = await fetch(new URL('/elsewhere', url.products));
      expect(notFound.status).toBe(404);
      expect(notFound.headers.get('cache-control')).toBe('no-store');

      const notJson = await fetch(url.products, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":' });
      expect(notJson.status).toBe(400);
      expect(notJson.headers.get('cache-control')).toBe('no-store');
    });

    it('leaves unhinted root fields uncacheable: _service answers no-store', async () => {
      const res = await send(url.products, '{ _service { sdl } }');
      expect(res.body.errors).toBeUndefined();
      expect(res.cacheControl).toBe('no-store');
    });
  });
});

interface RecordedFetch {
  readonly subgraph: SubgraphName;
  readonly operationName: unknown;
  readonly cacheControl: string | null;
}

/** A pass-through HTTP proxy in front of one subgraph that notes the Cache-Control of every answer. */
async function startRecordingProxy(subgraph: SubgraphName, target: string, log: RecordedFetch[]): Promise<{ url: string; stop(): Promise<void> }> {
  const server = createServer((req, res) => {
    forward(req)
      .then(({ status, headers, body }) => {
        const cacheControl = headers.get('cache-control');
        log.push({ subgraph, operationName: (JSON.parse(body.request) as { operationName?: unknown }).operationName, cacheControl });
        res.writeHead(status, { 'content-type': headers.get('content-type') ?? 'application/json', ...(cacheControl ? { 'cache-control': cacheControl } : {}) });
        res.end(body.response);
      })
      .catch(() => res.writeHead(502).end());
  });
  async function forward(req: IncomingMessage) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request = Buffer.concat(chunks).toString('utf8');
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(req.headers)) {
      if (typeof value === 'string' && !['host', 'connection', 'content-length', 'accept-encoding'].includes(key)) headers[key] = value;
    }
    const upstream = await fetch(target, { method: 'POST', headers, body: request });
    return { status: upstream.status, headers: upstream.headers, body: { request, response: await upstream.text() } };
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    stop: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

describe('the benchmark query through Junction', () => {
  let fleet: RunningFleet;
  let proxies: Array<{ stop(): Promise<void> }>;
  let gateway: TestGateway;
  const fetches: RecordedFetch[] = [];

  beforeAll(async () => {
    fleet = await startAllSubgraphs();
    proxies = [];
    const subgraphs = [];
    for (const name of SUBGRAPH_NAMES) {
      const proxy = await startRecordingProxy(name, fleet.byName[name].url, fetches);
      proxies.push(proxy);
      subgraphs.push({ name, url: proxy.url, sdl: readFileSync(join(__dirname, '../../../subgraphs', name, 'schema.graphql'), 'utf8') });
    }
    gateway = await startGatewayFor(subgraphs);
  });
  afterAll(async () => {
    await gateway.stop();
    await Promise.all(proxies.map((p) => p.stop()));
    await fleet.stop();
  });

  it('gets a cacheable Cache-Control from every subgraph fetch it makes', async () => {
    const res = await gateway.post(BENCHMARK_QUERY, undefined, {}, 'TestQuery');
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();

    expect(new Set(fetches.map((f) => f.subgraph))).toEqual(new Set(SUBGRAPH_NAMES));
    for (const recorded of fetches) expect(recorded).toEqual({ ...recorded, cacheControl: CACHEABLE[recorded.subgraph] });
  });
});
