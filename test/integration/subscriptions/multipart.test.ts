import { meros } from 'meros/browser';
import { writeTemp, type TestGateway } from '../../helpers/gateway';
import { readParts } from '../../helpers/multipart';
import { waitFor } from '../../helpers/waitFor';
import { postReview, reviewSubscribers } from './fixture';
import { activeOn, firstCode, postMultipart, REVIEW_ADDED, startSampleFleet, TOP_PRODUCTS, type SampleFleet } from './httpFixture';

/** Reads a multipart response's JSON parts in the background (meros), for waitFor to look at. */
async function partsOf(res: Response): Promise<{ parts: unknown[]; finished: Promise<void> }> {
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('multipart/mixed;boundary="graphql";subscriptionSpec="1.0"');
  return readParts(res);
}

const isHeartbeat = (part: unknown): boolean => JSON.stringify(part) === '{}';

describe('multipart HTTP subscriptions (Apollo Router protocol)', () => {
  let fleet: SampleFleet;
  let gateway: TestGateway;

  beforeAll(async () => {
    fleet = await startSampleFleet();
    gateway = await fleet.gateway();
  });
  afterAll(() => fleet?.stop());

  it('answers a query with that Accept as one JSON result, as Router does', async () => {
    const res = await postMultipart(gateway.url, { query: TOP_PRODUCTS });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    // meros hands back a response that is not multipart untouched.
    const parts = await meros(res);
    expect(parts).toBe(res);
    expect(await res.json()).toEqual({ data: { topProducts: [{ upc: '1', name: expect.any(String) }, { upc: '2', name: expect.any(String) }] } });
  });

  it('refuses a bad token with 401 UNAUTHENTICATED and WWW-Authenticate, not a multipart body', async () => {
    const res = await postMultipart(gateway.url, { query: 'subscription { reviewAdded { id } }' }, { authorization: 'Bearer not.a-token' });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ errors: [{ message: 'Unauthenticated: malformed token.', extensions: { code: 'UNAUTHENTICATED' } }] });
  });

  it('refuses a subscription outside the safelist with its code, not a multipart body', async () => {
    const manifest = writeTemp('manifest.json', JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations: [{ id: 'a', name: 'Top', type: 'query', body: 'query Top { topProducts { upc } }' }] }));
    const strict = await fleet.gateway(`persistedQueries:\n  mode: safelist\n  manifests:\n    - path: ${manifest}\n`);
    const res = await postMultipart(strict.url, { query: REVIEW_ADDED });
    expect(res.status).toBe(400);
    expect(firstCode((await res.json()) as never)).toBe('QUERY_NOT_IN_SAFELIST');
  });

  it('answers a subscription with OPERATION_NOT_SUPPORTED when subscriptions are off', async () => {
    const off = await fleet.gateway('subscriptions:\n  enabled: false\n');
    const res = await postMultipart(off.url, { query: 'subscription { reviewAdded { id } }' });
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(firstCode((await res.json()) as never)).toBe('OPERATION_NOT_SUPPORTED');
  });

  describe('reviewAdded through the gateway', () => {
    it('delivers each review as a {payload} part with {} heartbeats between, and frees the upstream when the client leaves', async () => {
      const beating = await fleet.gateway('subscriptions:\n  multipartHeartbeatMs: 50\n');
      const abort = new AbortController();
      const { parts, finished } = await partsOf(await postMultipart(beating.url, { query: REVIEW_ADDED }, {}, abort.signal));
      await waitFor(() => (reviewSubscribers(fleet.fleet) === 1 ? true : undefined), 'the subscription at the reviews subgraph');
      expect(await activeOn(beating, 'multipart')).toBe(1);
      await postReview(fleet.fleet, '1', 'over multipart');
      await waitFor(() => (parts.some((p) => !isHeartbeat(p)) ? true : undefined), 'the event');
      expect(parts.filter((p) => !isHeartbeat(p))).toEqual([{ payload: { data: { reviewAdded: { id: expect.any(String), body: 'over multipart', product: { name: expect.any(String) } } } } }]);
      const seen = parts.length;
      await waitFor(() => (parts.slice(seen).some(isHeartbeat) ? true : undefined), 'a heartbeat');
      abort.abort();
      await finished.catch(() => undefined);
      await waitFor(() => (reviewSubscribers(fleet.fleet) === 0 ? true : undefined), 'the upstream subscription to be closed');
    });

    it('keeps a stream open past server.requestTimeoutMs, headersTimeoutMs and keepAliveTimeoutMs', async () => {
      const timeouts = 'server:\n  requestTimeoutMs: 300\n  headersTimeoutMs: 300\n  keepAliveTimeoutMs: 300\n';
      const brisk = await fleet.gateway(`${timeouts}subscriptions:\n  multipartHeartbeatMs: 100\n`);
      const { parts } = await partsOf(await postMultipart(brisk.url, { query: REVIEW_ADDED }));
      await waitFor(() => (reviewSubscribers(fleet.fleet) === 1 ? true : undefined), 'the subscription');
      // Node checks those deadlines every second (httpServer.ts): 20 heartbeats are two seconds, well past them.
      await waitFor(() => (parts.filter(isHeartbeat).length >= 20 ? true : undefined), 'two seconds of heartbeats');
      await postReview(fleet.fleet, '3', 'still there');
      await waitFor(() => (parts.some((p) => JSON.stringify(p).includes('still there')) ? true : undefined), 'the late event');
      await brisk.stop();
      await waitFor(() => (reviewSubscribers(fleet.fleet) === 0 ? true : undefined), 'the upstream subscription to be closed');
    });

    it('ends with a SHUTTING_DOWN part, then ends the response, when the gateway stops, well within shutdownGraceMs', async () => {
      const stopping = await fleet.gateway('server:\n  shutdownGraceMs: 20000\n');
      const { parts, finished } = await partsOf(await postMultipart(stopping.url, { query: REVIEW_ADDED }));
      await waitFor(() => (reviewSubscribers(fleet.fleet) === 1 ? true : undefined), 'the subscription');
      const started = Date.now();
      await stopping.stop();
      expect(Date.now() - started).toBeLessThan(5_000);
      await finished;
      expect(parts.filter((p) => !isHeartbeat(p))).toEqual([{ payload: null, errors: [{ message: expect.any(String), extensions: { code: 'SHUTTING_DOWN' } }] }]);
      await waitFor(() => (reviewSubscribers(fleet.fleet) === 0 ? true : undefined), 'the upstream subscription to be closed');
    });
  });
});

