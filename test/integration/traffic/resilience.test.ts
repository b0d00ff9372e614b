import { startGatewayFor, type TestGateway } from '../../helpers/gateway';
import { devToken } from '../../helpers/identity';
import { sampleValue, scrape } from '../../helpers/prometheus';
import { startRawServer } from '../../helpers/rawServer';
import { startTestSubgraph } from '../../helpers/subgraph';
import { waitFor } from '../../helpers/waitFor';

const fed = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])';
const code = (body: { errors?: Array<{ extensions?: Record<string, unknown> }> }) => body.errors?.map((e) => e.extensions?.code);

/** A metric of a test gateway, as Prometheus scrapes it (metrics are on the GraphQL port outside production). */
async function metric(gateway: TestGateway, name: string, labels: Record<string, string>): Promise<number> {
  return sampleValue((await scrape(gateway.junction.metricsUrl as string)).samples, name, labels);
}

/** A raw subgraph answering `{ data: { <field>: "ok" } }` unless `plan` says otherwise for this hit. */
async function scripted(field: string, plan: (hit: number) => { status?: number; headers?: Record<string, string>; delayMs?: number } | undefined) {
  let hit = 0;
  return startRawServer((_req, res) => {
    const step = plan(++hit) ?? {};
    setTimeout(() => {
      res.statusCode = step.status ?? 200;
      for (const [k, v] of Object.entries(step.headers ?? {})) res.setHeader(k, v);
      res.setHeader('content-type', 'application/json');
      res.end(step.status && step.status >= 400 ? 'unavailable' : JSON.stringify({ data: { [field]: 'ok' } }));
    }, step.delayMs ?? 0);
  });
}

describe('subgraph retries', () => {
  it('retries a query after 503 and succeeds; never retries a mutation', async () => {
    const flaky = await scripted('flaky', (hit) => (hit === 1 ? { status: 503 } : undefined));
    const mutations = await scripted('touch', (hit) => (hit === 1 ? { status: 503 } : undefined));
    const gateway = await startGatewayFor([
      { name: 'flaky', url: flaky.url, sdl: `${fed} type Query { flaky: String }` },
      { name: 'writes', url: mutations.url, sdl: `${fed} type Query { x: String } type Mutation { touch: String }` },
    ]);
    try {
      const query = await gateway.post('{ flaky }');
      expect(query.body).toEqual({ data: { flaky: 'ok' } });
      expect(flaky.hits()).toBe(2);
      const mutation = await gateway.post('mutation { touch }');
      expect(code(mutation.body)).toEqual(['SUBGRAPH_UNAVAILABLE']);
      expect(mutations.hits()).toBe(1);
    } finally {
      await gateway.stop();
      await Promise.all([flaky.stop(), mutations.stop()]);
    }
  });

  it('honours Retry-After up to maxRetryAfterMs, and gives up beyond it', async () => {
    const polite = await scripted('polite', (hit) => (hit === 1 ? { status: 429, headers: { 'retry-after': '1' } } : undefined));
    const pushy = await scripted('pushy', () => ({ status: 503, headers: { 'retry-after': '30' } }));
    const gateway = await startGatewayFor([
      { name: 'polite', url: polite.url, sdl: `${fed} type Query { polite: String }` },
      { name: 'pushy', url: pushy.url, sdl: `${fed} type Query { pushy: String }` },
    ]);
    try {
      const started = Date.now();
      expect((await gateway.post('{ polite }')).body).toEqual({ data: { polite: 'ok' } });
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
      expect(polite.hits()).toBe(2);
      const refused = await gateway.post('{ pushy }');
      expect(code(refused.body)).toEqual(['SUBGRAPH_UNAVAILABLE']);
      expect(pushy.hits()).toBe(1);
    } finally {
      await gateway.stop();
      await Promise.all([polite.stop(), pushy.stop()]);
    }
  });
});

describe('the overall request deadline', () => {
  it('ends the subgraph work of a request at traffic.requestTimeoutMs: GATEWAY_TIMEOUT where it was cut', async () => {
    const products = await startTestSubgraph('products', `${fed} type Query { products: [Product] } type Product @key(fields: "id") { id: ID! }`, {
      Query: { products: async () => [{ id: '1' }] },
    });
    const slowStock = await startRawServer((_req, res) => setTimeout(() => res.end('{"data":{"_entities":[{"stock":1}]}}'), 1500));
    const gateway = await startGatewayFor(
      [products, { name: 'stock', url: slowStock.url, sdl: `${fed} type Product @key(fields: "id") { id: ID!, stock: Int }` }],
      'traffic:\n  requestTimeoutMs: 400\n',
    );
    try {
      const started = Date.now();
      const res = await gateway.post('{ products { id stock } }');
      expect(Date.now() - started).toBeLessThan(1200);
      expect(res.body.data).toEqual({ products: [{ id: '1', stock: null }] });
      expect(res.body.errors?.[0]?.extensions?.code).toBe('GATEWAY_TIMEOUT');
      expect(res.body.errors?.[0]?.path).toEqual(['products', 0]);
    } finally {
      await gateway.stop();
      await Promise.all([products.stop(), slowStock.stop()]);
    }
  });
});

describe('circuit breaker', () => {
  it('opens on failures (fails fast, the subgraph is spared), probes half-open, closes on success', async () => {
    let healthy = false;
    const flapping = await startRawServer((_req, res) => {
      res.statusCode = healthy ? 200 : 500;
      res.end(healthy ? '{"data":{"flap":"ok"}}' : 'down');
    });
    const gateway = await startGatewayFor(
      [{ name: 'flap', url: flapping.url, sdl: `${fed} type Query { flap: String }` }],
      'subgraphs:\n  flap:\n    retries:\n      attempts: 0\n    circuitBreaker:\n      minimumRequests: 4\n      errorRatePercent: 50\n      openMs: 500\n      halfOpenProbes: 1\n',
    );
    try {
      for (let i = 0; i < 4; i++) expect(code((await gateway.post('{ flap }')).body)).toEqual(['SUBGRAPH_UNAVAILABLE']);
      expect(flapping.hits()).toBe(4);
      const fast = await gateway.post('{ flap }');
      expect(fast.body.errors?.[0]?.message).toMatch(/circuit open/);
      expect(flapping.hits()).toBe(4);
      const circuit = () => metric(gateway, 'junction_subgraph_circuit_state', { subgraph: 'flap' });
      expect(await circuit()).toBe(2);
      healthy = true;
      // Half-open once openMs (500) has passed: the next fetch is the probe.
      await waitFor(async () => ((await circuit()) === 1 ? true : undefined), 'the circuit to turn half-open');
      expect((await gateway.post('{ flap }')).body).toEqual({ data: { flap: 'ok' } });
      expect((await gateway.post('{ flap }')).body).toEqual({ data: { flap: 'ok' } });
      expect(flapping.hits()).toBe(6);
    } finally {
      await gateway.stop();
      await flapping.stop();
    }
  });
});

describe('deduplication', () => {
  it('shares identical in-flight fetches (per identity) and sends each distinct representation once', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const catalog = await startTestSubgraph(
      'catalog',
      `${fed} type Query { list: [Product!]! } type Product @key(fields: "id") { id: ID! }`,
      { Query: { list: async () => (await gate, ['1', '2', '1', '3', '2'].map((id) => ({ id }))) } },
    );
    const details = await startTestSubgraph('details', `${fed} type Product @key(fields: "id") { id: ID!, name: String }`, {
      Product: { __resolveReference: (ref: { id: string }) => ({ id: ref.id, name: `P${ref.id}` }) },
    });
    const gateway = await startGatewayFor([catalog, details]);
    try {
      const query = '{ list { id name } }';
      const pending = Array.from({ length: 10 }, () => gateway.post(query));
      await waitFor(() => (catalog.requests.length >= 1 ? true : undefined), 'the first fetch to arrive');
      // The other nine join the fetch in flight before it is let go.
      await waitFor(async () => ((await metric(gateway, 'junction_subgraph_deduplicated_total', { subgraph: 'catalog' })) === 9 ? true : undefined), 'nine fetches to join the first');
      release();
      const answers = await Promise.all(pending);
      for (const a of answers) expect(a.body.data).toEqual({ list: ['1', '2', '1', '3', '2'].map((id) => ({ id, name: `P${id}` })) });
      expect(catalog.requests).toHaveLength(1);
      // Each answer's entities were asked for once each (three distinct products), however many requests shared.
      for (const r of details.requests) expect((r.variables?.representations as unknown[]).length).toBe(3);

      // Different callers are never merged: their identity differs.
      const before = catalog.requests.length;
      const alice = { authorization: `Bearer ${await devToken('alice')}` };
      const bob = { authorization: `Bearer ${await devToken('bob')}` };
      await Promise.all([gateway.post(query, undefined, alice), gateway.post(query, undefined, bob)]);
      expect(catalog.requests.length).toBe(before + 2);
    } finally {
      await gateway.stop();
      await Promise.all([catalog.stop(), details.stop()]);
    }
  });
});
