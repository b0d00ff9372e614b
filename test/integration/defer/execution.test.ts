import { startAllSubgraphs, type RunningFleet } from '../../../subgraphs';
import { startGatewayOn, testConfig, type TestGateway } from '../../helpers/gateway';
import { pipelineOf } from '../../helpers/pipelineHarness';
import { partsOf } from './deferFixture';
import { sampleSupergraph } from '../subscriptions/fixture';


/** @defer through the pipeline: Junction's executor runs Defer nodes and delivers each part when its fetches finish. */
describe('@defer execution', () => {
  let fleet: RunningFleet;
  let gateway: TestGateway;
  let harness: Awaited<ReturnType<typeof pipelineOf>>;
  const incremental = (body: unknown) => harness.operate(body, {}, 'http', { incremental: true });

  beforeAll(async () => {
    fleet = await startAllSubgraphs();
    gateway = await startGatewayOn({ sdl: sampleSupergraph(fleet) });
    harness = await pipelineOf(gateway.junction, testConfig());
  });
  afterAll(async () => {
    await harness?.stop();
    await gateway?.stop();
    await fleet?.stop();
  });

  it('delivers the primary part, then the deferred fragment at each list item with its label', async () => {
    const parts = await partsOf(await incremental({ query: '{ topProducts(first: 2) { upc name ... @defer(label: "ship") { shippingEstimate } } }' }));
    expect(parts[0]).toEqual({ data: { topProducts: [{ upc: expect.any(String), name: expect.any(String) }, { upc: expect.any(String), name: expect.any(String) }] }, hasNext: true });
    expect(parts[1]).toEqual({
      incremental: [
        { data: { shippingEstimate: expect.any(Number) }, path: ['topProducts', 0], label: 'ship' },
        { data: { shippingEstimate: expect.any(Number) }, path: ['topProducts', 1], label: 'ship' },
      ],
      hasNext: false,
    });
  });

  it('answers the whole result at once to a client that does not take parts', async () => {
    const operated = await harness.operate({ query: '{ topProducts(first: 1) { name ... @defer { shippingEstimate } } }' }, {}, 'http');
    expect(operated).toEqual({ kind: 'single', body: { data: { topProducts: [{ name: expect.any(String), shippingEstimate: expect.any(Number) }] } } });
  });

  it('runs unlabelled, nested and if:false defers', async () => {
    const parts = await partsOf(
      await incremental({ query: '{ topProducts(first: 1) { name ... @defer { reviews { body ... @defer(label: "who") { author { name } } } } ... @defer(if: false) { price } } }' }),
    );
    expect(parts[0]).toEqual({ data: { topProducts: [{ name: expect.any(String), price: expect.any(Number) }] }, hasNext: true });
    const incrementals = parts.slice(1).flatMap((p) => (p as { incremental: unknown[] }).incremental);
    expect(incrementals).toContainEqual({ data: { reviews: expect.arrayContaining([{ body: expect.any(String) }]) }, path: ['topProducts', 0] });
    expect(incrementals).toContainEqual({ data: { author: { name: expect.any(String) } }, path: ['topProducts', 0, 'reviews', 0], label: 'who' });
    expect((parts.at(-1) as { hasNext: boolean }).hasNext).toBe(false);
  });
});
