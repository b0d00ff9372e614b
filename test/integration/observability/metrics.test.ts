import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { postGraphQL, startGatewayFor, type TestGateway } from '../../helpers/gateway';
import { startTestSubgraph, type TestSubgraph } from '../../helpers/subgraph';
import { labelValues, sampleValue, scrape, type Sample } from '../../helpers/prometheus';

const LINK = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@inaccessible"])`;
const CACHE_CONTROL = `enum CacheControlScope @inaccessible { PUBLIC PRIVATE }
  directive @cacheControl(maxAge: Int, scope: CacheControlScope, inheritMaxAge: Boolean) on FIELD_DEFINITION | OBJECT | INTERFACE | UNION`;

/** products (public, 60 s) and reviews, which is stopped: every fetch to it fails. */
async function startSubgraphs(): Promise<{ products: TestSubgraph; reviews: TestSubgraph; stop(): Promise<void> }> {
  const products = await startTestSubgraph(
    'products',
    `${LINK}
     ${CACHE_CONTROL}
     type Query { product(id: ID!): Product @cacheControl(maxAge: 60) }
     type Product @key(fields: "id") @cacheControl(maxAge: 60) { id: ID!, name: String! }`,
    {
      Query: { product: (_: unknown, { id }: { id: string }) => ({ id, name: `Product ${id}` }) },
      Product: { __resolveReference: (ref: { id: string }) => ({ id: ref.id, name: `Product ${ref.id}` }) },
    },
  );
  const reviews = await startTestSubgraph(
    'reviews',
    `${LINK}
     type Product @key(fields: "id") { id: ID!, reviews: [String!]! }`,
    { Product: { __resolveReference: (ref: { id: string }) => ({ id: ref.id, reviews: ['good'] }) } },
  );
  await reviews.stop();
  return { products, reviews, stop: () => products.stop() };
}

describe('GET /metrics', () => {
  let subgraphs: Awaited<ReturnType<typeof startSubgraphs>>;
  let gateway: TestGateway;
  let samples: Sample[];

  beforeAll(async () => {
    subgraphs = await startSubgraphs();
    gateway = await startGatewayFor([subgraphs.products, subgraphs.reviews], 'cache:\n  response:\n    enabled: true\n');
    const web = { 'apollographql-client-name': 'web' };
    for (let i = 0; i < 3; i++) {
      const ok = await gateway.post('query Top { product(id: "1") { id name } }', undefined, web);
      expect(ok.status).toBe(200);
      expect(ok.body.errors).toBeUndefined();
    }
    const invalid = await gateway.post('query Bad { nope }', undefined, web);
    expect(invalid.status).toBe(400);
    const partial = await gateway.post('query Reviews { product(id: "1") { id reviews } }');
    expect(partial.body.errors?.[0]?.extensions?.code).toBe('SUBGRAPH_UNAVAILABLE');
    // Refused by the HTTP layer before Apollo Server: batching is off.
    const batch = await postGraphQL(gateway.url, [{ query: '{ product(id: "1") { id } }' }]);
    expect(batch.status).toBe(400);
    // An APQ hash nobody registered.
    const unknownHash = await postGraphQL(gateway.url, { extensions: { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update('{ x }').digest('hex') } } });
    expect(unknownHash.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const scraped = await scrape(gateway.junction.metricsUrl as string);
    expect(scraped.status).toBe(200);
    expect(scraped.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    samples = scraped.samples;
  });

  afterAll(async () => {
    await gateway?.stop();
    await subgraphs?.stop();
  });

  it('counts GraphQL requests by operation, type, status and client', () => {
    expect(sampleValue(samples, 'junction_http_requests_total', { operation_name: 'Top', operation_type: 'query', status: '200', client_name: 'web' })).toBe(3);
    expect(sampleValue(samples, 'junction_http_requests_total', { operation_name: 'Reviews', operation_type: 'query', status: '200', client_name: '' })).toBe(1);
    // Failed validation: no operation was resolved.
    expect(sampleValue(samples, 'junction_http_requests_total', { operation_name: '', operation_type: 'unknown', status: '400', client_name: 'web' })).toBe(1);
    // The HTTP layer's refusals (batch: 400; unknown APQ hash: 200) count with operation '' and type unknown.
    expect(sampleValue(samples, 'junction_http_requests_total', { operation_name: '', operation_type: 'unknown', status: '400', client_name: '' })).toBe(1);
    expect(sampleValue(samples, 'junction_http_requests_total', { operation_name: '', operation_type: 'unknown', status: '200' })).toBe(1);
    expect(sampleValue(samples, 'junction_http_requests_total')).toBe(7);
  });

  it('has latency histograms with buckets', () => {
    const buckets = samples.filter((s) => s.name === 'junction_http_request_duration_seconds_bucket' && s.labels.operation_name === 'Top');
    expect(buckets.map((b) => b.labels.le)).toContain('+Inf');
    expect(buckets.length).toBeGreaterThan(5);
    expect(buckets.find((b) => b.labels.le === '+Inf')?.value).toBe(3);
    expect(sampleValue(samples, 'junction_http_request_duration_seconds_count', { operation_name: 'Top' })).toBe(3);
    expect(sampleValue(samples, 'junction_subgraph_request_duration_seconds_count', { subgraph: 'products' })).toBe(2);
  });

  it('counts subgraph fetches by outcome, and retries', () => {
    // Top once (then the response cache answers), Reviews once.
    expect(sampleValue(samples, 'junction_subgraph_requests_total', { subgraph: 'products', outcome: 'ok' })).toBe(2);
    expect(sampleValue(samples, 'junction_subgraph_requests_total', { subgraph: 'products', outcome: 'error' })).toBe(0);
    expect(sampleValue(samples, 'junction_subgraph_requests_total', { subgraph: 'reviews', outcome: 'error' })).toBe(1);
    // A connection failure is retried (retries.attempts 2).
    expect(sampleValue(samples, 'junction_subgraph_retries_total', { subgraph: 'reviews' })).toBe(2);
    expect(sampleValue(samples, 'junction_subgraph_circuit_state', { subgraph: 'reviews' })).toBe(0);
    expect(labelValues(samples, 'junction_subgraph_circuit_state', 'subgraph')).toEqual(new Set(['products', 'reviews']));
  });

  it('counts cache lookups by cache and result', () => {
    expect(sampleValue(samples, 'junction_cache_requests_total', { cache: 'response', result: 'hit' })).toBe(2);
    expect(sampleValue(samples, 'junction_cache_requests_total', { cache: 'response', result: 'miss' })).toBe(2);
    expect(sampleValue(samples, 'junction_cache_requests_total', { cache: 'plan', result: 'miss' })).toBe(2);
    expect(sampleValue(samples, 'junction_cache_requests_total', { cache: 'apq', result: 'miss' })).toBe(1);
  });

  it('counts error codes answered, and operation costs', () => {
    expect(sampleValue(samples, 'junction_rejections_total', { code: 'GRAPHQL_VALIDATION_FAILED' })).toBe(1);
    expect(sampleValue(samples, 'junction_rejections_total', { code: 'SUBGRAPH_UNAVAILABLE' })).toBe(1);
    expect(sampleValue(samples, 'junction_rejections_total', { code: 'BATCHING_DISABLED' })).toBe(1);
    expect(sampleValue(samples, 'junction_rejections_total', { code: 'PERSISTED_QUERY_NOT_FOUND' })).toBe(1);
    // Top × 3 and Reviews were priced; the invalid one never reached demand control.
    expect(sampleValue(samples, 'junction_operation_cost_estimated_count')).toBe(4);
    // The actual cost prices whole responses, so the metric samples one priced response in 16: none of these 4.
    expect(sampleValue(samples, 'junction_operation_cost_actual_count')).toBe(0);
  });

  it('reports the active supergraph', () => {
    const info = samples.filter((s) => s.name === 'junction_supergraph_info');
    expect(info).toEqual([{ name: 'junction_supergraph_info', labels: { supergraph: gateway.junction.gateway.current?.id }, value: 1 }]);
    expect(sampleValue(samples, 'junction_supergraph_activations_total')).toBe(1);
  });

  it('bounds operation names end to end', async () => {
    const names = Array.from({ length: 150 }, (_, i) => `Distinct${i}`);
    for (let i = 0; i < names.length; i += 50) {
      await Promise.all(names.slice(i, i + 50).map((name) => gateway.post(`query ${name} { product(id: "2") { id } }`)));
    }
    const after = (await scrape(gateway.junction.metricsUrl as string)).samples;
    const seen = labelValues(after, 'junction_http_requests_total', 'operation_name');
    seen.delete(''); // anonymous operations and refusals: not a name
    expect(seen.size).toBe(101);
    expect(seen.has('__other__')).toBe(true);
  });

  it('dashboards/junction.json queries only metrics Junction exports', () => {
    const dashboard = JSON.parse(readFileSync(join(__dirname, '../../../dashboards/junction.json'), 'utf8')) as { panels: Array<{ title: string; targets?: Array<{ expr: string }> }> };
    const exported = new Set(samples.map((s) => s.name));
    const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
    expect(exprs.length).toBeGreaterThanOrEqual(9);
    for (const expr of exprs) {
      const names = expr.match(/\bjunction_[a-z0-9_]+/g) ?? [];
      expect(names.length).toBeGreaterThan(0);
      for (const name of names) expect({ expr, name, exported: exported.has(name) }).toEqual({ expr, name, exported: true });
    }
  });
});

describe('metrics settings', () => {
  let subgraphs: Awaited<ReturnType<typeof startSubgraphs>>;
  beforeAll(async () => {
    subgraphs = await startSubgraphs();
  });
  afterAll(() => subgraphs?.stop());

  it('asks for the metrics token when one is set, and counts HTTP-layer rate limiting', async () => {
    const token = 'metrics-token-0123456789';
    const yaml = `metrics:\n  token:\n    value: ${token}\nrateLimit:\n  enabled: true\n  perClient:\n    requests: 1\n`;
    const gateway = await startGatewayFor([subgraphs.products, subgraphs.reviews], yaml);
    try {
      const url = gateway.junction.metricsUrl as string;
      const refused = await fetch(url);
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toBe('Bearer');
      expect((await fetch(url, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
      expect((await gateway.post('{ product(id: "1") { id } }')).status).toBe(200);
      expect((await gateway.post('{ product(id: "1") { id } }')).status).toBe(429);
      const { status, samples } = await scrape(url, { authorization: `Bearer ${token}` });
      expect(status).toBe(200);
      expect(sampleValue(samples, 'junction_rate_limited_total', { kind: 'requests' })).toBe(1);
      expect(sampleValue(samples, 'junction_http_requests_total', { status: '429', operation_type: 'unknown' })).toBe(1);
      expect(sampleValue(samples, 'junction_rejections_total', { code: 'RATE_LIMITED' })).toBe(1);
    } finally {
      await gateway.stop();
    }
  });

  it('serves the metrics on their own port when metrics.port is set', async () => {
    const gateway = await startGatewayFor([subgraphs.products, subgraphs.reviews], 'metrics:\n  port: 0\n  path: /prom\n');
    try {
      const url = gateway.junction.metricsUrl as string;
      expect(new URL(url).port).not.toBe(String(gateway.junction.port));
      expect(new URL(url).pathname).toBe('/prom');
      expect((await scrape(url)).samples.some((s) => s.name === 'junction_supergraph_activations_total')).toBe(true);
      expect((await fetch(new URL('/prom', gateway.url))).status).toBe(404);
    } finally {
      await gateway.stop();
    }
  });

  it('in production without a token, serves the metrics only on a loopback listener of their own', async () => {
    // testConfig gives that listener port 0 (its default is 9090); nothing about metrics is configured.
    const gateway = await startGatewayFor([subgraphs.products, subgraphs.reviews], undefined, { NODE_ENV: 'production' });
    try {
      expect((await fetch(new URL('/metrics', gateway.url))).status).toBe(404);
      const url = new URL(gateway.junction.metricsUrl as string);
      expect(url.hostname).toBe('127.0.0.1');
      expect(url.port).not.toBe(String(gateway.junction.port));
      expect(url.pathname).toBe('/metrics');
      expect((await scrape(url.href)).samples.some((s) => s.name === 'junction_supergraph_activations_total')).toBe(true);
    } finally {
      await gateway.stop();
    }
  });

  it('in production with a token, serves the metrics on the GraphQL port behind the token', async () => {
    const token = 'metrics-token-0123456789';
    const gateway = await startGatewayFor([subgraphs.products, subgraphs.reviews], `metrics:\n  token:\n    value: ${token}\n`, { NODE_ENV: 'production' });
    try {
      const url = new URL('/metrics', gateway.url).href;
      expect(gateway.junction.metricsUrl).toBe(url);
      expect((await fetch(url)).status).toBe(401);
      expect((await scrape(url, { authorization: `Bearer ${token}` })).status).toBe(200);
    } finally {
      await gateway.stop();
    }
  });

  it('answers 404 on /metrics when metrics are off', async () => {
    const gateway = await startGatewayFor([subgraphs.products, subgraphs.reviews], 'metrics:\n  enabled: false\n');
    try {
      expect(gateway.junction.metricsUrl).toBeUndefined();
      expect((await fetch(new URL('/metrics', gateway.url))).status).toBe(404);
      expect((await gateway.post('{ product(id: "1") { id } }')).status).toBe(200);
    } finally {
      await gateway.stop();
    }
  });
});
