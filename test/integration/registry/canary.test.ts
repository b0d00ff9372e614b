import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runCli } from '../../helpers/cli';
import { writeTemp } from '../../helpers/gateway';
import { sharedRedisUrl, uniquePrefix } from '../../helpers/redis';
import { startTestSubgraph, type TestSubgraph } from '../../helpers/subgraph';
import { waitFor } from '../../helpers/waitFor';
import { ADMIN_TOKEN, PRODUCTS_FULL_SDL, PRODUCTS_SDL, REVIEWS_SDL, seedYaml, startRegistryGateway, startRegistrySubgraphs, tempDir, type RegistryGateway } from './fixture';

// Clients are told apart by an API key (the rate-limit client key rules decide who a client is).
const CLIENT_KEY_YAML = 'rateLimit:\n  clientKey: ["header:x-api-key", "ip"]\n';
const CANDIDATE_FIELD = '{ __type(name: "Product") { fields { name } } }';

/** Which variant served `client`: the candidate's schema has Product.stock, the stable one has not (answered by the gateway). */
async function variantOf(gateway: RegistryGateway, client: string): Promise<'stable' | 'canary'> {
  const res = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': client }, body: JSON.stringify({ query: CANDIDATE_FIELD }) });
  const body = (await res.json()) as { data: { __type: { fields: Array<{ name: string }> } } };
  return body.data.__type.fields.some((f) => f.name === 'stock') ? 'canary' : 'stable';
}

async function inBatches<T>(items: readonly T[], size: number, each: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(each));
}

async function query(gateway: RegistryGateway, client: string, text: string): Promise<{ status: number; body: { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> } }> {
  const res = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': client }, body: JSON.stringify({ query: text }) });
  return { status: res.status, body: (await res.json()) as { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> } };
}

describe('canary releases', () => {
  let subgraphs: Awaited<ReturnType<typeof startRegistrySubgraphs>>;
  let seed: string;
  beforeAll(async () => {
    subgraphs = await startRegistrySubgraphs();
    seed = seedYaml([
      { name: 'products', url: subgraphs.products.url, sdl: PRODUCTS_SDL },
      { name: 'reviews', url: subgraphs.reviews.url, sdl: REVIEWS_SDL },
    ]);
  });
  afterAll(() => subgraphs.stop());

  it('serves a sticky 5 % of 10,000 clients the canary, the same variant on two replicas', async () => {
    const store = `store:\n  backend: redis\n  keyPrefix: "${uniquePrefix('canary')}"\n  redis:\n    url: ${await sharedRedisUrl()}\n`;
    const a = await startRegistryGateway({ dataDir: tempDir(), seed, yaml: store + CLIENT_KEY_YAML });
    const b = await startRegistryGateway({ dataDir: tempDir(), yaml: store + CLIENT_KEY_YAML });
    try {
      await Promise.all([a.junction.ready, b.junction.ready]);
      const published = await a.admin('POST', '/admin/subgraphs/products', { url: subgraphs.products.url, sdl: PRODUCTS_FULL_SDL, canary: 5 });
      expect(published.status).toBe(200);
      expect(published.body.canary).toMatchObject({ percent: 5, stages: [5], candidate: 2 });
      // The current version is still the stable one: the candidate is not in the history until promoted.
      expect(published.body.version).toBe(1);
      await waitFor(() => (b.junction.gateway.servedCanary ? true : undefined), 'the second replica to serve the canary');

      const clients = Array.from({ length: 10_000 }, (_, i) => `client-${i}`);
      const onA = new Map<string, string>();
      const disagreements: string[] = [];
      await inBatches(clients, 64, async (client) => {
        const [first, second] = await Promise.all([variantOf(a, client), variantOf(b, client)]);
        onA.set(client, first);
        if (first !== second) disagreements.push(client);
      });
      // And again, on either replica: a client never changes sides while the share stays.
      await inBatches(clients.slice(0, 1000), 64, async (client) => {
        if ((await variantOf(Number(client.slice(7)) % 2 === 0 ? b : a, client)) !== onA.get(client)) disagreements.push(client);
      });
      expect(disagreements).toEqual([]);
      const share = [...onA.values()].filter((v) => v === 'canary').length / clients.length;
      expect(share).toBeGreaterThanOrEqual(0.04);
      expect(share).toBeLessThanOrEqual(0.06);

      // While the release runs, other registry changes wait for it.
      const refused = await a.admin('POST', '/admin/subgraphs/reviews', { url: subgraphs.reviews.url, sdl: REVIEWS_SDL.replace('body: String!', 'body: String!, title: String') });
      expect(refused.status).toBe(409);
      expect(refused.body.errors[0].extensions.code).toBe('CANARY_IN_PROGRESS');
    } finally {
      await a.stop();
      await b.stop();
    }
  }, 120_000);

  describe('judged by the gateway', () => {
    let flaky: { url: string; stop(): Promise<void>; requests: number };
    let reviewsV2: TestSubgraph;
    const REVIEWS_V2_SDL = REVIEWS_SDL.replace('body: String!', 'body: String!, rating: Int');
    beforeAll(async () => {
      reviewsV2 = await startTestSubgraph('reviews', REVIEWS_V2_SDL, {
        Product: { __resolveReference: (ref: { id: string }) => ({ id: ref.id, reviews: [{ id: `r${ref.id}`, body: `About ${ref.id}`, rating: 5 }] }) },
      });
      flaky = await failingEveryOther(reviewsV2.url);
    });
    afterAll(async () => {
      await flaky.stop();
      await reviewsV2.stop();
    });

    it.each(['junction', 'apollo'])('rolls back a canary whose changed subgraph fails half its requests, within the window; stable clients never fail (%s executor)', async (executor) => {
      const judging = 'registry:\n  canary:\n    windowMs: 60000\n    minRequests: 40\n    evaluateIntervalMs: 100\n';
      const yaml = `${CLIENT_KEY_YAML}metrics:\n  port: 0\nexecution:\n  executor: ${executor}\n`;
      const gateway = await startRegistryGateway({ dataDir: tempDir(), seed, yaml, registryYaml: judging.replace('registry:\n', '') });
      try {
        await gateway.junction.ready;
        const started = Date.now();
        const published = await gateway.admin('POST', '/admin/subgraphs/reviews', { url: flaky.url, sdl: REVIEWS_V2_SDL, canary: 50 });
        expect(published.status).toBe(200);
        const clients = Array.from({ length: 40 }, (_, i) => `judge-${i}`);
        const variants = new Map<string, 'stable' | 'canary'>();
        // The candidate adds Review.rating: its clients see it in the schema.
        for (const client of clients) {
          const res = await query(gateway, client, '{ __type(name: "Review") { fields { name } } }');
          variants.set(client, (res.body.data as { __type: { fields: Array<{ name: string }> } }).__type.fields.some((f) => f.name === 'rating') ? 'canary' : 'stable');
        }
        expect([...variants.values()]).toContain('canary');
        expect([...variants.values()]).toContain('stable');

        const failures = { stable: 0, canary: 0 };
        const served = { stable: 0, canary: 0 };
        const ended = await waitFor(
          async () => {
            await Promise.all(
              clients.map(async (client) => {
                const res = await query(gateway, client, '{ products { name reviews { body } } }');
                const variant = variants.get(client) as 'stable' | 'canary';
                served[variant]++;
                if (res.status !== 200 || res.body.errors) failures[variant]++;
              }),
            );
            const status = await gateway.admin('GET', '/admin/canary');
            return status.body.canary ? undefined : status.body;
          },
          'the judge to end the release',
          50_000,
        );
        expect(Date.now() - started).toBeLessThan(60_000);
        expect(ended.lastEnded.outcome).toBe('rolled_back');
        const decision = ended.lastEnded.decisions.at(-1);
        expect(decision).toMatchObject({ action: 'rollback', by: 'judge', percent: 0 });
        expect(decision.reason).toMatch(/error rate/);
        expect(decision.figures.canary.failed).toBeGreaterThan(0);
        // The executor reported each request's fetches from reviews: the candidate's failed, stable's did not.
        expect(decision.figures.changedSubgraph.canary.failed).toBeGreaterThan(0);
        expect(decision.figures.changedSubgraph.stable.requests).toBeGreaterThan(0);
        expect(decision.figures.changedSubgraph.stable.failed).toBe(0);
        expect(served.stable).toBeGreaterThan(0);
        expect(failures.stable).toBe(0);
        expect(failures.canary).toBeGreaterThan(0);
        // Canary clients are back on the stable version: no rating, no failures.
        for (const client of clients) {
          const res = await query(gateway, client, '{ products { name reviews { body } } }');
          expect(res.body.errors).toBeUndefined();
        }
        expect((await gateway.admin('GET', '/admin/subgraphs')).body.version).toBe(1);
        const metrics = await (await fetch(gateway.junction.metricsUrl as string)).text();
        expect(metrics).toMatch(/junction_canary_decisions_total\{action="rollback"\} 1/);
        expect(metrics).toMatch(/junction_http_requests_total\{[^}]*variant="canary"[^}]*\} \d+/);
        expect(metrics).toMatch(/junction_canary_percent 0/);
      } finally {
        await gateway.stop();
      }
    }, 90_000);

    it('lets a request in flight on the canary finish on it when the release is aborted', async () => {
      let release: () => void = () => undefined;
      const held = new Promise<void>((resolve) => (release = resolve));
      const slow = await startTestSubgraph('reviews', REVIEWS_V2_SDL, {
        Product: {
          __resolveReference: async (ref: { id: string }) => {
            await held;
            return { id: ref.id, reviews: [{ id: `r${ref.id}`, body: `About ${ref.id}`, rating: 4 }] };
          },
        },
      });
      const gateway = await startRegistryGateway({ dataDir: tempDir(), seed, yaml: CLIENT_KEY_YAML });
      try {
        await gateway.junction.ready;
        expect((await gateway.admin('POST', '/admin/subgraphs/reviews', { url: slow.url, sdl: REVIEWS_V2_SDL, canary: 50 })).status).toBe(200);
        const client = await waitFor(async () => {
          for (let i = 0; i < 100; i++) {
            const res = await query(gateway, `inflight-${i}`, '{ __type(name: "Review") { fields { name } } }');
            if ((res.body.data as { __type: { fields: Array<{ name: string }> } }).__type.fields.some((f) => f.name === 'rating')) return `inflight-${i}`;
          }
          return undefined;
        }, 'a client of the canary');
        const inFlight = query(gateway, client, '{ products { reviews { rating } } }');
        await waitFor(() => (slow.requests.length > 0 ? true : undefined), 'the canary subgraph to be asked');
        expect((await gateway.admin('POST', '/admin/canary/abort', {})).status).toBe(200);
        expect(gateway.junction.gateway.servedCanary).toBeUndefined();
        release();
        expect((await inFlight).body).toEqual({ data: { products: [{ reviews: [{ rating: 4 }] }, { reviews: [{ rating: 4 }] }] } });
        // Its next request is served by the stable version.
        expect((await query(gateway, client, '{ products { reviews { rating } } }')).body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      } finally {
        release();
        await gateway.stop();
        await slow.stop();
      }
    }, 60_000);

    it('promotes a healthy canary through the ramp', async () => {
      const judging = 'canary:\n    windowMs: 1000\n    minRequests: 20\n    evaluateIntervalMs: 100\n    ramp: [50]\n';
      const gateway = await startRegistryGateway({ dataDir: tempDir(), seed, yaml: CLIENT_KEY_YAML, registryYaml: `  ${judging}` });
      try {
        await gateway.junction.ready;
        const published = await gateway.admin('POST', '/admin/subgraphs/reviews', { url: reviewsV2.url, sdl: REVIEWS_V2_SDL, canary: 10 });
        expect(published.body.canary.stages).toEqual([10, 50]);
        const clients = Array.from({ length: 60 }, (_, i) => `healthy-${i}`);
        let failed = 0;
        const ended = await waitFor(
          async () => {
            await Promise.all(
              clients.map(async (client) => {
                const res = await query(gateway, client, '{ products { name reviews { body } } }');
                if (res.status !== 200 || res.body.errors) failed++;
              }),
            );
            const status = await gateway.admin('GET', '/admin/canary');
            return status.body.canary ? undefined : status.body;
          },
          'the judge to promote the release',
          60_000,
        );
        expect(failed).toBe(0);
        expect(ended.lastEnded.outcome).toBe('promoted');
        expect(ended.lastEnded.decisions.map((d: { action: string; percent: number }) => `${d.action}:${d.percent}`)).toEqual(['start:10', 'advance:50', 'promote:100']);
        expect(ended.current).toBe(2);
        const res = await query(gateway, 'anyone', '{ products { reviews { rating } } }');
        expect(res.body.errors).toBeUndefined();
        expect(res.body.data).toEqual({ products: [{ reviews: [{ rating: 5 }] }, { reviews: [{ rating: 5 }] }] });
        const history = (await gateway.admin('GET', '/admin/supergraph/history')).body;
        expect(history.versions[0]).toMatchObject({ version: 2, action: 'publish', subgraph: 'reviews', canary: ended.lastEnded.id });
      } finally {
        await gateway.stop();
      }
    }, 90_000);
  });

  it('is promoted, aborted and reported through the CLI against a running gateway; the release survives a restart', async () => {
    const dataDir = tempDir();
    let gateway = await startRegistryGateway({ dataDir, seed, yaml: CLIENT_KEY_YAML });
    const env = () => ({ JUNCTION_GATEWAY_URL: gateway.url.replace('/graphql', ''), JUNCTION_ADMIN_TOKEN: ADMIN_TOKEN });
    try {
      await gateway.junction.ready;
      const full = writeTemp('products.graphql', PRODUCTS_FULL_SDL);
      const published = await runCli(['publish', 'products', '--url', subgraphs.products.url, '--schema', full, '--canary', '20', '--author', 'ci'], { env: env() });
      expect(published.code).toBe(0);
      expect(published.stdout).toContain('serves 20 % of clients');
      const status = await runCli(['canary', 'status'], { env: env() });
      expect(status.code).toBe(0);
      expect(status.stdout).toMatch(/products as version 2 .* serves 20 % of clients; version 1 the rest/);

      // A restart keeps the release: it lives in the registry's storage.
      await gateway.stop();
      gateway = await startRegistryGateway({ dataDir, yaml: CLIENT_KEY_YAML });
      await gateway.junction.ready;
      await waitFor(() => (gateway.junction.gateway.servedCanary?.percent === 20 ? true : undefined), 'the restarted gateway to serve the canary');
      const again = await runCli(['canary', 'status', '--format', 'json'], { env: env() });
      expect(JSON.parse(again.stdout).canary).toMatchObject({ percent: 20, subgraph: 'products', by: 'ci' });

      const aborted = await runCli(['canary', 'abort', '--author', 'ops'], { env: env() });
      expect(aborted.code).toBe(0);
      expect(aborted.stdout).toContain('No canary release is under way; version 1 serves every client.');
      expect(aborted.stdout).toMatch(/aborted .* by ops/);
      expect(gateway.junction.gateway.servedCanary).toBeUndefined();
      expect((await query(gateway, 'anyone', '{ products { stock } }')).body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');

      expect((await runCli(['publish', 'products', '--url', subgraphs.products.url, '--schema', full, '--canary', '5'], { env: env() })).code).toBe(0);
      const promoted = await runCli(['canary', 'promote'], { env: env() });
      expect(promoted.code).toBe(0);
      expect(promoted.stdout).toContain('version 2 serves every client');
      expect((await query(gateway, 'anyone', '{ products { stock } }')).body).toEqual({ data: { products: [{ stock: 1 }, { stock: 2 }] } });

      const none = await runCli(['canary', 'promote'], { env: env() });
      expect(none.code).toBe(1);
      expect(none.stderr).toContain('CANARY_NOT_FOUND');
      const bad = await runCli(['publish', 'products', '--url', subgraphs.products.url, '--schema', full, '--canary', 'lots'], { env: env() });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('--canary must be a percentage');
    } finally {
      await gateway.stop();
    }
  }, 120_000);
});

/** A proxy in front of a subgraph that answers every other request with HTTP 500 (a bad deployment). */
async function failingEveryOther(target: string): Promise<{ url: string; stop(): Promise<void>; requests: number }> {
  const state = { requests: 0 };
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    state.requests++;
    if (state.requests % 2 === 0) {
      res.statusCode = 500;
      res.setHeader('content-type', 'application/json');
      res.end('{"errors":[{"message":"deployment broken"}]}');
      return;
    }
    const answer = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.concat(chunks) });
    res.statusCode = answer.status;
    res.setHeader('content-type', 'application/json');
    res.end(await answer.text());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    get requests() {
      return state.requests;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

