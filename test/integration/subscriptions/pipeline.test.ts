import { startAllSubgraphs, type RunningFleet } from '../../../subgraphs';
import { startGatewayOn, testConfig, type TestGateway } from '../../helpers/gateway';
import { postReview as post, REVIEW_ADDED, sampleSupergraph } from './fixture';
import { startJunction } from '../../../src/server';
import { captureLogs } from '../../helpers/logCapture';
import { parsePrometheus, sampleValue } from '../../helpers/prometheus';
import { pipelineOf, reader, type Operated } from '../../helpers/pipelineHarness';
import { waitFor } from '../../helpers/waitFor';

function streamOf(operated: Operated) {
  if (operated.kind !== 'stream') throw new Error(`expected a stream, got ${JSON.stringify(operated)}`);
  return operated.stream;
}

/** Subscriptions through the operation pipeline (what every transport calls), over the four sample subgraphs. */
describe('subscriptions through the pipeline', () => {
  let fleet: RunningFleet;
  let gateway: TestGateway;
  let harness: Awaited<ReturnType<typeof pipelineOf>>;
  const subscribers = () => fleet.byName.reviews.dataLayer.feed.localSubscribers;

  const postReview = (upc: string, body: string) => post(fleet, upc, body);

  beforeAll(async () => {
    fleet = await startAllSubgraphs();
    const yaml = 'subscriptions:\n  maxPerClient: 50\n';
    gateway = await startGatewayOn({ sdl: sampleSupergraph(fleet) }, yaml);
    harness = await pipelineOf(gateway.junction, testConfig(yaml));
  });
  afterAll(async () => {
    await harness?.stop();
    await gateway?.stop();
    await fleet?.stop();
  });

  it('delivers each reviewAdded event with fields from products, inventory and accounts', async () => {
    const stream = streamOf(await harness.operate({ query: REVIEW_ADDED, variables: { upc: '1' } }));
    const events = reader(stream);
    await waitFor(() => (subscribers() >= 1 ? true : undefined), 'the subgraph subscription');
    await postReview('1', 'Great product');
    const item = await events.next();
    expect(item).toEqual({
      result: { data: { reviewAdded: { id: expect.any(String), body: 'Great product', product: { upc: '1', name: expect.any(String), inStock: expect.any(Boolean) }, author: { id: '3', name: expect.any(String) } } } },
    });
    stream.close();
    expect(await events.next()).toBe('done');
    await waitFor(() => (subscribers() === 0 ? true : undefined), 'the subgraph subscription closed');
  });

  it('shares one subgraph subscription between identical client subscriptions; the last one leaving closes it', async () => {
    const streams = await Promise.all(Array.from({ length: 5 }, async () => streamOf(await harness.operate({ query: REVIEW_ADDED, variables: { upc: '2' } }))));
    await waitFor(() => (subscribers() >= 1 ? true : undefined), 'the subgraph subscription');
    expect(subscribers()).toBe(1);
    expect(gateway.junction.gateway.subscriptions?.active).toBe(5);
    const readers = streams.map(reader);
    await postReview('2', 'Shared');
    for (const r of readers) expect(await r.next()).toMatchObject({ result: { data: { reviewAdded: { body: 'Shared', product: { upc: '2' } } } } });
    for (const s of streams.slice(0, 4)) s.close();
    expect(subscribers()).toBe(1);
    streams[4]?.close();
    await waitFor(() => (subscribers() === 0 ? true : undefined), 'the subgraph subscription closed');
  });

  it('refuses a subscription sent as a plain HTTP operation with OPERATION_NOT_SUPPORTED', async () => {
    const operated = await harness.operate({ query: REVIEW_ADDED }, {}, 'http');
    expect(operated).toMatchObject({ kind: 'single', body: { errors: [{ extensions: { code: 'OPERATION_NOT_SUPPORTED' } }] } });
  });

  it('validates a subscription like any operation', async () => {
    const operated = await harness.operate({ query: 'subscription { reviewAdded { nope } }' });
    expect(operated).toMatchObject({ kind: 'single', body: { errors: [{ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }] } });
  });
});

describe('subscription observability', () => {
  it('counts active subscriptions, upstreams, events and ends, and logs one line when a subscription ends', async () => {
    const fleet = await startAllSubgraphs();
    const { logger, lines } = captureLogs();
    const config = testConfig();
    const junction = await startJunction({ config, supergraph: { sdl: sampleSupergraph(fleet) }, logger });
    await junction.ready;
    const harness = await pipelineOf(junction, config);
    try {
      const scrape = async () => parsePrometheus(await (await fetch(junction.metricsUrl as string)).text());
      const stream = streamOf(await harness.operate({ query: REVIEW_ADDED, operationName: 'Added' }));
      const events = reader(stream);
      await waitFor(() => (fleet.byName.reviews.dataLayer.feed.localSubscribers >= 1 ? true : undefined), 'the subgraph subscription');
      let samples = await scrape();
      expect(sampleValue(samples, 'junction_subscriptions_active', { transport: 'websocket' })).toBe(1);
      expect(sampleValue(samples, 'junction_subscriptions_upstream_active')).toBe(1);
      await post(fleet, '1', 'counted');
      expect(await events.next()).toMatchObject({ result: { data: { reviewAdded: { body: 'counted' } } } });
      stream.close();
      samples = await scrape();
      expect(sampleValue(samples, 'junction_subscriptions_active', { transport: 'websocket' })).toBe(0);
      expect(sampleValue(samples, 'junction_subscriptions_upstream_active')).toBe(0);
      expect(sampleValue(samples, 'junction_subscription_events_total', { subgraph: 'reviews' })).toBe(1);
      expect(sampleValue(samples, 'junction_subscriptions_ended_total', { transport: 'websocket', reason: 'client' })).toBe(1);
      const line = lines.find((l) => l.msg === 'subscription');
      expect(line).toMatchObject({ operationName: 'Added', transport: 'websocket', reason: 'client', events: 1, durationMs: expect.any(Number) });
    } finally {
      await harness.stop();
      await junction.stop();
      await fleet.stop();
    }
  });
});
