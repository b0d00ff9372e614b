import { startAllSubgraphs, type RunningFleet } from '../../../subgraphs';
import { startGatewayOn, testConfig, type TestGateway } from '../../helpers/gateway';
import { pipelineOf, reader, type Operated } from '../../helpers/pipelineHarness';
import { waitFor } from '../../helpers/waitFor';
import { postReview, REVIEW_ADDED, reviewSubscribers, sampleSupergraph } from './fixture';

function streamOf(operated: Operated) {
  if (operated.kind !== 'stream') throw new Error(`expected a stream, got ${JSON.stringify(operated)}`);
  return operated.stream;
}

/** Activates a supergraph on a running gateway the way a file change or the registry does. */
function activate(gateway: TestGateway, sdl: string): void {
  const built = gateway.junction.gateway.build(sdl);
  if (!built.ok) throw new Error(built.reason);
  gateway.junction.gateway.activate(built.state);
}

/** Supergraph changes, shutdown and an upstream that goes away: every subscription ends with a code, or keeps running. */
describe('subscription lifecycle', () => {
  let fleet: RunningFleet;
  let gateway: TestGateway;
  let harness: Awaited<ReturnType<typeof pipelineOf>>;

  beforeEach(async () => {
    fleet = await startAllSubgraphs();
    gateway = await startGatewayOn({ sdl: sampleSupergraph(fleet) });
    harness = await pipelineOf(gateway.junction, testConfig());
  });
  afterEach(async () => {
    await harness?.stop();
    await gateway?.stop();
    await fleet?.stop();
  });

  it('keeps a subscription that still validates on a new supergraph, and ends one that does not with SUBSCRIPTION_SCHEMA_RELOAD', async () => {
    const kept = streamOf(await harness.operate({ query: 'subscription { reviewAdded { id body product { upc } } }' }));
    const doomed = streamOf(await harness.operate({ query: 'subscription { reviewAdded { id product { name } } }' }));
    const keptEvents = reader(kept);
    const doomedEvents = reader(doomed);
    await waitFor(() => (reviewSubscribers(fleet) >= 2 ? true : undefined), 'the subgraph subscriptions');
    // `Product.name` goes away from products: the subscription selecting it ends and is told why; the other runs on.
    activate(gateway, sampleSupergraph(fleet, (name, sdl) => (name === 'products' ? sdl.replace(/^\s*name: String.*$/m, '') : sdl)));
    expect(await doomedEvents.next()).toEqual({ end: { message: expect.stringContaining('name'), extensions: { code: 'SUBSCRIPTION_SCHEMA_RELOAD' } } });
    expect(await doomedEvents.next()).toBe('done');
    await postReview(fleet, '1', 'after the change');
    expect(await keptEvents.next()).toEqual({ result: { data: { reviewAdded: { id: expect.any(String), body: 'after the change', product: { upc: '1' } } } } });
    await waitFor(() => (reviewSubscribers(fleet) === 1 ? true : undefined), 'the ended subscription closed at the subgraph');
    kept.close();
  });

  it('plans later events on the new supergraph', async () => {
    const stream = streamOf(await harness.operate({ query: 'subscription { reviewAdded { id body } }' }));
    const events = reader(stream);
    await waitFor(() => (reviewSubscribers(fleet) >= 1 ? true : undefined), 'the subgraph subscription');
    const before = gateway.junction.gateway.current?.id;
    activate(gateway, sampleSupergraph(fleet, (name, sdl) => (name === 'accounts' ? sdl.replace(/type Query \{/, 'type Query {\n  junctionReloadProbe: Boolean') : sdl)));
    expect(gateway.junction.gateway.current?.id).not.toBe(before);
    await postReview(fleet, '2', 'on the new supergraph');
    expect(await events.next()).toMatchObject({ result: { data: { reviewAdded: { body: 'on the new supergraph' } } } });
    // The upstream was kept (same subgraph operation): still one subscriber at the subgraph.
    expect(reviewSubscribers(fleet)).toBe(1);
    stream.close();
  });

  it('ends every subscription with SHUTTING_DOWN when the gateway stops', async () => {
    const stream = streamOf(await harness.operate({ query: REVIEW_ADDED }));
    const events = reader(stream);
    await waitFor(() => (reviewSubscribers(fleet) >= 1 ? true : undefined), 'the subgraph subscription');
    await gateway.stop();
    expect(await events.next()).toEqual({ end: { message: expect.any(String), extensions: { code: 'SHUTTING_DOWN' } } });
    expect(await events.next()).toBe('done');
    await waitFor(() => (reviewSubscribers(fleet) === 0 ? true : undefined), 'the subgraph subscription closed');
  });

  it('ends the subscriptions of an upstream that goes away with SUBSCRIPTION_UPSTREAM_CLOSED', async () => {
    const stream = streamOf(await harness.operate({ query: REVIEW_ADDED }));
    const events = reader(stream);
    await waitFor(() => (reviewSubscribers(fleet) >= 1 ? true : undefined), 'the subgraph subscription');
    await fleet.byName.reviews.stop();
    expect(await events.next()).toEqual({ end: { message: expect.stringContaining('reviews'), extensions: { code: 'SUBSCRIPTION_UPSTREAM_CLOSED' } } });
    expect(gateway.junction.gateway.subscriptions?.active).toBe(0);
  });
});
