import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeSubgraphs } from '../../../src/composition';
import { startAllSubgraphs, SUBGRAPH_NAMES, type RunningFleet } from '../../../subgraphs';
import { startGatewayOn, testConfig, type TestGateway } from '../../helpers/gateway';
import { identityHeader } from '../../helpers/identity';
import { pipelineOf, reader, type Operated } from '../../helpers/pipelineHarness';
import { waitFor } from '../../helpers/waitFor';

const REVIEW_ADDED = `subscription Added($upc: ID) { reviewAdded(productUpc: $upc) { id body product { upc name inStock } author { id name } } }`;

function sampleSupergraph(fleet: RunningFleet): string {
  const composed = composeSubgraphs(SUBGRAPH_NAMES.map((name) => ({ name, url: fleet.byName[name].url, sdl: readFileSync(join(__dirname, '../../../subgraphs', name, 'schema.graphql'), 'utf8') })));
  if (!composed.ok) throw new Error(JSON.stringify(composed.errors));
  return composed.supergraphSdl;
}

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

  async function postReview(upc: string, body: string): Promise<void> {
    const res = await fetch(fleet.byName.reviews.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await identityHeader('3', 'reviews')) },
      body: JSON.stringify({ query: 'mutation ($i: CreateReviewInput!) { createReview(input: $i) { id } }', variables: { i: { productUpc: upc, body } } }),
    });
    const json = (await res.json()) as { errors?: unknown };
    if (json.errors) throw new Error(JSON.stringify(json.errors));
  }

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
