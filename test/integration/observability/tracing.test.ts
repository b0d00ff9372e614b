import { sep } from 'node:path';
import type { InMemorySpanExporter, ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { startTracing, stopTracing, tracer } from '../../../src/observability';
import { startGatewayFor, testConfig, type TestGateway } from '../../helpers/gateway';
import { startTestSubgraph, type TestSubgraph } from '../../helpers/subgraph';
import { waitFor } from '../../helpers/waitFor';

// The "off" block runs first and must: the SDK is loaded (by require) only when the "on" block starts.

const fed = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';
const QUERY = 'query TopReviews { topProducts { name reviews { body } } }';
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/;

async function startPair(): Promise<TestSubgraph[]> {
  const products = await startTestSubgraph(
    'products',
    `${fed} type Query { topProducts: [Product] } type Product @key(fields: "upc") { upc: ID! name: String }`,
    { Query: { topProducts: () => [{ upc: '1', name: 'Table' }, { upc: '2', name: 'Chair' }] } },
  );
  const reviews = await startTestSubgraph('reviews', `${fed} type Product @key(fields: "upc") { upc: ID! reviews: [Review] } type Review { body: String }`, {
    Product: { __resolveReference: (ref: { upc: string }) => ({ upc: ref.upc, reviews: [{ body: `review of ${ref.upc}` }] }) },
  });
  return [products, reviews];
}

const EXPECTED = { topProducts: [{ name: 'Table', reviews: [{ body: 'review of 1' }] }, { name: 'Chair', reviews: [{ body: 'review of 2' }] }] };

// The tracing SDK, its exporter and Junction's SDK-backed tracer. (@apollo/gateway's executor loads its own
// metrics SDK, @opentelemetry/sdk-metrics 1.x, for Apollo's usage telemetry: that is not Junction's tracing.)
const TRACING_SDK = /@opentelemetry[\\/](sdk-trace|exporter-trace-)|otelTracer/;

function tracingModulesLoaded(): string[] {
  return Object.keys(require.cache).filter((path) => TRACING_SDK.test(path));
}

describe('tracing off (the default)', () => {
  let subgraphs: TestSubgraph[];
  let gateway: TestGateway;
  beforeAll(async () => {
    subgraphs = await startPair();
    gateway = await startGatewayFor(subgraphs);
  });
  afterAll(async () => {
    await gateway.stop();
    await Promise.all(subgraphs.map((s) => s.stop()));
  });

  it('serves without loading the tracing SDK and sends no traceparent to subgraphs', async () => {
    const res = await gateway.post(QUERY, undefined, { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual(EXPECTED);
    expect(tracer.enabled).toBe(false);
    // The check can fail: require.cache does list what this test file loaded.
    expect(Object.keys(require.cache).some((path) => path.includes(`${sep}undici${sep}`))).toBe(true);
    expect(tracingModulesLoaded()).toEqual([]);
    const sent = subgraphs.flatMap((s) => s.headers);
    expect(sent.length).toBe(2);
    for (const headers of sent) expect(headers.traceparent).toBeUndefined();
  });
});

describe('tracing on', () => {
  let subgraphs: TestSubgraph[];
  let gateway: TestGateway;
  let exporter: InMemorySpanExporter;
  beforeAll(async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const sdk = require('@opentelemetry/sdk-trace-base') as typeof import('@opentelemetry/sdk-trace-base');
    exporter = new sdk.InMemorySpanExporter();
    startTracing({ serviceName: 'junction-test', exporter });
    // What the "off" test asserts absent is indeed what turning tracing on loads.
    expect(tracingModulesLoaded().length).toBeGreaterThan(0);
    subgraphs = await startPair();
    gateway = await startGatewayFor(subgraphs);
  });
  afterAll(async () => {
    await gateway.stop();
    await Promise.all(subgraphs.map((s) => s.stop()));
    await stopTracing();
  });
  beforeEach(() => {
    exporter.reset();
    for (const s of subgraphs) s.headers.length = 0;
  });

  /** The spans of the one request span's trace, once that request span has ended (it ends after the answer). */
  async function requestTrace(): Promise<{ request: ReadableSpan; spans: ReadableSpan[] }> {
    const request = await waitFor(() => exporter.getFinishedSpans().find((s) => s.name === 'graphql.request'), 'the graphql.request span');
    const spans = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === request.spanContext().traceId);
    return { request, spans };
  }

  const parentOf = (span: ReadableSpan): string | undefined => span.parentSpanContext?.spanId;

  it('records request → parse, validate, authorize, plan, execute → one subgraph.fetch per subgraph', async () => {
    const res = await gateway.post(QUERY);
    expect(res.body.data).toEqual(EXPECTED);
    const { request, spans } = await requestTrace();
    const requestId = request.spanContext().spanId;
    expect(parentOf(request)).toBeUndefined();
    expect(request.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.response.status_code': 200, 'graphql.operation.name': 'TopReviews', 'graphql.operation.type': 'query' });
    expect(request.resource.attributes['service.name']).toBe('junction-test');

    const byName = (name: string) => spans.filter((s) => s.name === name);
    for (const name of ['graphql.parse', 'graphql.validate', 'graphql.authorize', 'graphql.plan', 'graphql.execute']) {
      expect(byName(name).map(parentOf)).toEqual([requestId]);
    }
    expect(byName('graphql.plan')[0]?.attributes['graphql.plan.cache_hit']).toBe(false);
    const execute = byName('graphql.execute')[0] as ReadableSpan;
    const fetches = byName('subgraph.fetch');
    expect(fetches.map((s) => s.attributes['subgraph.name']).sort()).toEqual(['products', 'reviews']);
    for (const fetch of fetches) {
      expect(parentOf(fetch)).toBe(execute.spanContext().spanId);
      expect(fetch.attributes).toMatchObject({ 'subgraph.outcome': 'ok', 'subgraph.attempts': 1, 'http.response.status_code': 200 });
    }
    // Everything of the request is in this one trace, and nothing else is.
    expect(spans.length).toBe(8);
  });

  it('sends each subgraph a W3C traceparent in the request trace, naming that subgraph fetch span', async () => {
    await gateway.post(QUERY);
    const { request, spans } = await requestTrace();
    const fetchIds = new Set(spans.filter((s) => s.name === 'subgraph.fetch').map((s) => s.spanContext().spanId));
    const received = subgraphs.flatMap((s) => s.headers.map((h) => h.traceparent));
    expect(received.length).toBe(2);
    for (const header of received) {
      const match = TRACEPARENT.exec(String(header));
      expect(match).not.toBeNull();
      expect(match?.[1]).toBe(request.spanContext().traceId);
      expect(fetchIds.has(match?.[2] as string)).toBe(true);
    }
  });

  it("continues a client's traceparent: same trace id, the request span a child of the client's span", async () => {
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const clientSpan = 'b7ad6b7169203331';
    await gateway.post(QUERY, undefined, { traceparent: `00-${traceId}-${clientSpan}-01` });
    const { request } = await requestTrace();
    expect(request.spanContext().traceId).toBe(traceId);
    expect(parentOf(request)).toBe(clientSpan);
    for (const header of subgraphs.flatMap((s) => s.headers.map((h) => h.traceparent))) expect(String(header)).toContain(traceId);
  });

  it('starts a new trace when the client traceparent is malformed', async () => {
    await gateway.post(QUERY, undefined, { traceparent: 'not-a-traceparent' });
    const { request } = await requestTrace();
    expect(parentOf(request)).toBeUndefined();
    expect(request.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it("traces @apollo/gateway's executor (execution.executor: apollo) the same way", async () => {
    const stock = await startGatewayFor(subgraphs, 'execution:\n  executor: apollo\n');
    try {
      const res = await stock.post(QUERY);
      expect(res.body.data).toEqual(EXPECTED);
      const { spans } = await requestTrace();
      const execute = spans.find((s) => s.name === 'graphql.execute') as ReadableSpan;
      const fetches = spans.filter((s) => s.name === 'subgraph.fetch');
      expect(fetches.map((s) => s.attributes['subgraph.name']).sort()).toEqual(['products', 'reviews']);
      for (const fetch of fetches) expect(parentOf(fetch)).toBe(execute.spanContext().spanId);
      for (const header of subgraphs.flatMap((s) => s.headers.map((h) => h.traceparent))) expect(String(header)).toContain(execute.spanContext().traceId);
    } finally {
      await stock.stop();
    }
  });

  it('marks a cached plan, and records a refused operation on the request span', async () => {
    await gateway.post(QUERY);
    const { spans } = await requestTrace();
    expect(spans.find((s) => s.name === 'graphql.plan')?.attributes['graphql.plan.cache_hit']).toBe(true);
    exporter.reset();
    const res = await gateway.post('{ topProducts { nope } }');
    expect(res.status).toBe(400);
    const refused = await requestTrace();
    expect(refused.request.attributes['http.response.status_code']).toBe(400);
    const validate = refused.spans.find((s) => s.name === 'graphql.validate');
    expect(validate?.status.code).toBe(2); // SpanStatusCode.ERROR
    expect(refused.spans.some((s) => s.name === 'subgraph.fetch' || s.name === 'graphql.plan')).toBe(false);
  });
});

describe('tracing config', () => {
  it('is off by default and on with OTEL_TRACES_EXPORTER=otlp, an OTLP endpoint, or tracing.enabled', () => {
    expect(testConfig().tracing).toEqual({ enabled: false, serviceName: 'junction', endpoint: undefined });
    expect(testConfig(undefined, { OTEL_TRACES_EXPORTER: 'otlp' }).tracing.enabled).toBe(true);
    expect(testConfig(undefined, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).tracing).toEqual({
      enabled: true,
      serviceName: 'junction',
      endpoint: 'http://collector:4318/v1/traces',
    });
    expect(testConfig(undefined, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/traces', OTEL_SERVICE_NAME: 'edge' }).tracing).toEqual({
      enabled: true,
      serviceName: 'edge',
      endpoint: 'http://c:4318/traces',
    });
    expect(testConfig('tracing:\n  enabled: true\n  serviceName: gw\n').tracing).toMatchObject({ enabled: true, serviceName: 'gw' });
    expect(testConfig('tracing:\n  enabled: false\n', { OTEL_TRACES_EXPORTER: 'otlp' }).tracing.enabled).toBe(false);
    expect(testConfig(undefined, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' }).tracing.enabled).toBe(false);
  });

  it('stops the start on an exporter Junction does not have', () => {
    expect(() => testConfig(undefined, { OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow('OTEL_TRACES_EXPORTER: "zipkin" is not supported (otlp or none)');
  });
});
