import { createHash } from 'node:crypto';
import { startAllSubgraphs, type RunningFleet } from '../../../subgraphs';
import { startGatewayOn, testConfig, writeTemp, type TestGateway } from '../../helpers/gateway';
import { pipelineOf, reader, type Operated } from '../../helpers/pipelineHarness';
import { waitFor } from '../../helpers/waitFor';
import { AUTH_YAML, clientToken, postReview, REVIEW_ADDED, reviewSubscribers, sampleSupergraph } from './fixture';

function streamOf(operated: Operated) {
  if (operated.kind !== 'stream') throw new Error(`expected a stream, got ${JSON.stringify(operated)}`);
  return operated.stream;
}

const WITH_EMAIL = `subscription { reviewAdded { body author { id email } } }`;
const LISTED = `subscription Listed { reviewAdded { id body } }`;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Every policy of the pipeline applies to subscriptions as to queries (transport-neutral: the pipeline itself). */
describe('subscription policies', () => {
  let fleet: RunningFleet;
  const gateways: TestGateway[] = [];
  const harnesses: Array<{ stop(): Promise<void> }> = [];

  async function start(yaml: string) {
    const gateway = await startGatewayOn({ sdl: sampleSupergraph(fleet) }, yaml);
    gateways.push(gateway);
    const harness = await pipelineOf(gateway.junction, testConfig(yaml));
    harnesses.push(harness);
    return { gateway, harness };
  }

  beforeAll(async () => {
    fleet = await startAllSubgraphs();
  });
  afterAll(async () => {
    for (const h of harnesses) await h.stop();
    for (const g of gateways) await g.stop();
    await fleet?.stop();
  });

  describe('with authentication', () => {
    let harness: Awaited<ReturnType<typeof pipelineOf>>;
    beforeAll(async () => {
      ({ harness } = await start(AUTH_YAML.replace('auth:\n', 'auth:\n  require: true\n')));
    });

    it('refuses a subscription without a token (401 UNAUTHENTICATED before anything is planned)', async () => {
      expect(await harness.operate({ query: REVIEW_ADDED })).toEqual({ kind: 'refused', status: 401, code: 'UNAUTHENTICATED' });
      expect(await harness.operate({ query: REVIEW_ADDED }, { authorization: 'Bearer not-a-token' })).toEqual({ kind: 'refused', status: 401, code: 'UNAUTHENTICATED' });
    });

    it('ends the subscription with UNAUTHENTICATED when the token expires', async () => {
      const token = await clientToken({ sub: 'u1' }, 2);
      const stream = streamOf(await harness.operate({ query: REVIEW_ADDED }, { authorization: `Bearer ${token}` }));
      const started = Date.now();
      const item = await reader(stream).next(10_000);
      expect(item).toEqual({ end: { message: expect.stringContaining('expired'), extensions: { code: 'UNAUTHENTICATED' } } });
      expect(Date.now() - started).toBeGreaterThan(500);
    });

    it('nulls a field authorization removes, with its error, in every event', async () => {
      // Subscriptions of earlier tests must be gone from the subgraph, or the count below would not mean ours.
      await waitFor(() => (reviewSubscribers(fleet) === 0 ? true : undefined), 'earlier subgraph subscriptions closed');
      const token = await clientToken({ sub: 'u2' });
      const stream = streamOf(await harness.operate({ query: WITH_EMAIL }, { authorization: `Bearer ${token}` }));
      const events = reader(stream);
      await waitFor(() => (reviewSubscribers(fleet) >= 1 ? true : undefined), 'the subgraph subscription');
      for (const body of ['first', 'second']) {
        await postReview(fleet, '1', body);
        const item = await events.next();
        expect(item).toMatchObject({ result: { data: { reviewAdded: { body, author: { id: '3', email: null } } }, errors: [{ path: ['reviewAdded', 'author', 'email'], extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' } }] } });
        expect(JSON.stringify(item)).not.toContain('@example.com');
      }
      stream.close();
      await waitFor(() => (reviewSubscribers(fleet) === 0 ? true : undefined), 'the subgraph subscription closed');
      // With the scope, the same subscription carries the address.
      const scoped = await clientToken({ sub: 'u3', scope: 'read:email' });
      const allowed = streamOf(await harness.operate({ query: WITH_EMAIL }, { authorization: `Bearer ${scoped}` }));
      await waitFor(() => (reviewSubscribers(fleet) >= 1 ? true : undefined), 'the subgraph subscription');
      await postReview(fleet, '1', 'third');
      expect(await reader(allowed).next()).toMatchObject({ result: { data: { reviewAdded: { author: { email: expect.stringContaining('@') } } } } });
      allowed.close();
    });
  });

  it('applies request limits and demand control to subscriptions', async () => {
    const { harness } = await start('limits:\n  maxDepth: 2\n');
    // The limits are a pipeline stage: refused before anything is parsed.
    expect(await harness.operate({ query: REVIEW_ADDED })).toMatchObject({ kind: 'refused', status: 400, code: 'MAX_DEPTH_LIMIT' });
    const costly = await start('cost:\n  max: 1\n');
    expect(await costly.harness.operate({ query: REVIEW_ADDED })).toMatchObject({ kind: 'single', body: { errors: [{ extensions: { code: 'COST_ESTIMATED_TOO_EXPENSIVE' } }] } });
  });

  it('applies the safelist: only a manifest subscription is accepted', async () => {
    const path = writeTemp('manifest.json', JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations: [{ id: sha256(LISTED), name: 'Listed', type: 'subscription', body: LISTED }] }));
    const { harness } = await start(`persistedQueries:\n  mode: safelist\n  manifests:\n    - path: ${path}\n`);
    expect(await harness.operate({ query: REVIEW_ADDED })).toMatchObject({ kind: 'refused', code: 'QUERY_NOT_IN_SAFELIST' });
    const byId = streamOf(await harness.operate({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256(LISTED) } } }));
    const listed = streamOf(await harness.operate({ query: LISTED }));
    byId.close();
    listed.close();
  });

  it('bounds subscriptions per client and subscribes per second', async () => {
    const { harness } = await start('subscriptions:\n  maxPerClient: 2\n  subscribeRatePerSec: 1000\n');
    const a = streamOf(await harness.operate({ query: REVIEW_ADDED }));
    const b = streamOf(await harness.operate({ query: REVIEW_ADDED }));
    expect(await harness.operate({ query: REVIEW_ADDED })).toMatchObject({ kind: 'single', body: { errors: [{ extensions: { code: 'SUBSCRIPTION_LIMIT' } }] } });
    a.close();
    const c = streamOf(await harness.operate({ query: REVIEW_ADDED }));
    b.close();
    c.close();
    const limited = await start('subscriptions:\n  subscribeRatePerSec: 1\n');
    const opened: Operated[] = [];
    for (let i = 0; i < 4; i++) opened.push(await limited.harness.operate({ query: REVIEW_ADDED }));
    // A burst of two seconds' worth, then refused.
    expect(opened.map((o) => o.kind)).toEqual(['stream', 'stream', 'single', 'single']);
    expect(opened[2]).toMatchObject({ body: { errors: [{ extensions: { code: 'RATE_LIMITED' } }] } });
    for (const o of opened) if (o.kind === 'stream') o.stream.close();
  });

  it('ends a client that does not read its events with SUBSCRIPTION_SLOW_CONSUMER, without holding more than the bound', async () => {
    const { gateway, harness } = await start('subscriptions:\n  maxQueuedEvents: 3\n');
    await waitFor(() => (reviewSubscribers(fleet) === 0 ? true : undefined), 'earlier subgraph subscriptions closed');
    const slow = streamOf(await harness.operate({ query: REVIEW_ADDED, variables: { upc: '3' } }));
    const fast = streamOf(await harness.operate({ query: `subscription { reviewAdded(productUpc: "3") { id } }` }));
    const fastReader = reader(fast);
    await waitFor(() => (reviewSubscribers(fleet) >= 2 ? true : undefined), 'the subgraph subscriptions');
    for (let i = 0; i < 5; i++) {
      await postReview(fleet, '3', `event ${i}`);
      expect(await fastReader.next()).toMatchObject({ result: { data: { reviewAdded: { id: expect.any(String) } } } });
    }
    await waitFor(() => (gateway.junction.gateway.subscriptions?.active === 1 ? true : undefined), 'the slow client to be ended');
    expect(await reader(slow).next()).toEqual({ end: { message: expect.any(String), extensions: { code: 'SUBSCRIPTION_SLOW_CONSUMER' } } });
    fast.close();
  });
});
