import { createClient, NetworkError, type Client, type ExecutionResult, type RequestParams } from 'graphql-sse';
import type { TestGateway } from '../../helpers/gateway';
import { writeTemp } from '../../helpers/gateway';
import { waitFor } from '../../helpers/waitFor';
import { postReview, reviewSubscribers } from './fixture';
import { activeOn, firstCode, postMultipart, REVIEW_ADDED, startSampleFleet, TOP_PRODUCTS, type SampleFleet } from './httpFixture';

/** What a graphql-sse client saw of one operation: its results, then either completion or an error. */
interface Seen {
  results: ExecutionResult[];
  completed: boolean;
  error: unknown;
  /** Resolves when the operation completed or failed. */
  settled: Promise<void>;
  dispose(): void;
}

const clients: Client[] = [];
function sseClient(url: string, headers: Record<string, string> = {}): Client {
  // Distinct connections (one SSE response per operation), no silent retries: a refusal must reach the test.
  const client = createClient({ url, singleConnection: false, retryAttempts: 0, headers });
  clients.push(client);
  return client;
}

function run(client: Client, request: RequestParams): Seen {
  let settle!: () => void;
  const seen: Seen = { results: [], completed: false, error: undefined, settled: new Promise<void>((resolve) => (settle = resolve)), dispose: () => undefined };
  seen.dispose = client.subscribe(request, {
    next: (result) => void seen.results.push(result as ExecutionResult),
    error: (error) => {
      seen.error = error;
      settle();
    },
    complete: () => {
      seen.completed = true;
      settle();
    },
  });
  return seen;
}

/** The HTTP answer of a refused request, as the client's NetworkError carries it. */
async function refusalOf(seen: Seen): Promise<{ status: number; headers: Headers; body: { errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } }> {
  await seen.settled;
  if (!(seen.error instanceof NetworkError) || !seen.error.response) throw new Error(`expected an HTTP refusal, got ${String(seen.error)} (results: ${JSON.stringify(seen.results)})`);
  const response = seen.error.response as Response;
  return { status: response.status, headers: response.headers, body: (await response.json()) as never };
}

describe('GraphQL over SSE (graphql-sse, distinct connections)', () => {
  let fleet: SampleFleet;
  let gateway: TestGateway;

  beforeAll(async () => {
    fleet = await startSampleFleet();
    gateway = await fleet.gateway();
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.dispose();
  });
  afterAll(() => fleet?.stop());

  it('answers a query as one next event, then completes', async () => {
    const seen = run(sseClient(gateway.url), { query: TOP_PRODUCTS });
    await seen.settled;
    expect(seen.error).toBeUndefined();
    expect(seen.completed).toBe(true);
    expect(seen.results).toEqual([{ data: { topProducts: [{ upc: '1', name: expect.any(String) }, { upc: '2', name: expect.any(String) }] } }]);
  });

  it('answers a GET with query parameters as an event stream, under Apollo Server\'s CSRF rule', async () => {
    const url = `${gateway.url}?query=${encodeURIComponent(TOP_PRODUCTS)}`;
    // A bare GET (what a cross-site EventSource sends) is refused as a possible CSRF, as over plain HTTP.
    const bare = await (await fetch(url, { headers: { accept: 'text/event-stream' } })).text();
    expect(bare).toMatch(/^event: next\ndata: \{"errors":\[\{"message":"This operation has been blocked as a potential Cross-Site Request Forgery/m);
    const res = await fetch(url, { headers: { accept: 'text/event-stream', 'apollo-require-preflight': 'true' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const events = (await res.text()).split('\n\n').filter((e) => e.startsWith('event:'));
    expect(events).toHaveLength(2);
    expect(events[0]).toMatch(/^event: next\ndata: \{"data":\{"topProducts":\[/);
    expect(events[1]).toBe('event: complete\ndata:');
  });

  it('refuses a bad token with 401 UNAUTHENTICATED and WWW-Authenticate before any event', async () => {
    const refusal = await refusalOf(run(sseClient(gateway.url, { authorization: 'Bearer not.a-token' }), { query: TOP_PRODUCTS }));
    expect(refusal.status).toBe(401);
    expect(refusal.headers.get('www-authenticate')).toBe('Bearer');
    expect(refusal.headers.get('content-type')).toMatch(/^application\/json/);
    expect(refusal.body).toEqual({ errors: [{ message: 'Unauthenticated: malformed token.', extensions: { code: 'UNAUTHENTICATED' } }] });
  });

  it('answers a malformed request with a coded 400', async () => {
    const res = await fetch(gateway.url, { method: 'POST', headers: { accept: 'text/event-stream', 'content-type': 'application/json' }, body: '{"variables":{}}' });
    expect(res.status).toBe(400);
    expect(firstCode((await res.json()) as never)).toBe('BAD_REQUEST');
  });

  it('refuses an operation outside the safelist with its code', async () => {
    const manifest = writeTemp('manifest.json', JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations: [{ id: 'a', name: 'Top', type: 'query', body: 'query Top { topProducts { upc } }' }] }));
    const strict = await fleet.gateway(`persistedQueries:\n  mode: safelist\n  manifests:\n    - path: ${manifest}\n`);
    const refusal = await refusalOf(run(sseClient(strict.url), { query: TOP_PRODUCTS }));
    expect(refusal.status).toBe(400);
    expect(firstCode(refusal.body)).toBe('QUERY_NOT_IN_SAFELIST');
    const listed = run(sseClient(strict.url), { query: 'query Top { topProducts { upc } }' });
    await listed.settled;
    expect(listed.results[0]?.data).toEqual({ topProducts: expect.arrayContaining([{ upc: '1' }]) });
  });

  it('answers GraphQL errors (an invalid subscription) as a next event, as graphql-sse does, then completes', async () => {
    const seen = await collect(gateway.url, 'subscription { reviewAdded { nope } }');
    expect(seen.completed).toBe(true);
    expect(seen.results).toHaveLength(1);
    expect(firstCode(seen.results[0] as never)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(reviewSubscribers(fleet.fleet)).toBe(0);
  });

  it('answers a subscription with OPERATION_NOT_SUPPORTED when subscriptions are off', async () => {
    const off = await fleet.gateway('subscriptions:\n  enabled: false\n');
    const seen = run(sseClient(off.url), { query: 'subscription { reviewAdded { id } }' });
    await seen.settled;
    expect(seen.completed).toBe(true);
    expect(seen.results).toHaveLength(1);
    expect(firstCode(seen.results[0] as never)).toBe('OPERATION_NOT_SUPPORTED');
  });

  describe('reviewAdded through the gateway', () => {
    it('delivers each review as a next event, resolved across subgraphs, and frees the upstream when the client leaves', async () => {
      const seen = run(sseClient(gateway.url), { query: REVIEW_ADDED });
      await waitFor(() => (reviewSubscribers(fleet.fleet) === 1 ? true : undefined), 'the subscription at the reviews subgraph');
      expect(await activeOn(gateway, 'sse')).toBe(1);
      await postReview(fleet.fleet, '1', 'first over SSE');
      await postReview(fleet.fleet, '2', 'second over SSE');
      await waitFor(() => (seen.results.length === 2 ? true : undefined), 'both events');
      expect(seen.results).toEqual([
        { data: { reviewAdded: { id: expect.any(String), body: 'first over SSE', product: { name: expect.any(String) } } } },
        { data: { reviewAdded: { id: expect.any(String), body: 'second over SSE', product: { name: expect.any(String) } } } },
      ]);
      seen.dispose();
      await waitFor(() => (reviewSubscribers(fleet.fleet) === 0 ? true : undefined), 'the upstream subscription to be closed');
      expect(seen.error).toBeUndefined();
    });

    it('refuses a subscription beyond subscriptions.maxConnections with 503 SUBSCRIPTION_LIMIT', async () => {
      const bounded = await fleet.gateway('subscriptions:\n  maxConnections: 1\n');
      const holder = run(sseClient(bounded.url), { query: REVIEW_ADDED });
      await waitFor(() => (reviewSubscribers(fleet.fleet) === 1 ? true : undefined), 'the first subscription');
      const refusal = await refusalOf(run(sseClient(bounded.url), { query: REVIEW_ADDED }));
      expect(refusal.status).toBe(503);
      expect(firstCode(refusal.body)).toBe('SUBSCRIPTION_LIMIT');
      // One bound for every streaming transport.
      const multipart = await postMultipart(bounded.url, { query: REVIEW_ADDED });
      expect(multipart.status).toBe(503);
      expect(firstCode((await multipart.json()) as never)).toBe('SUBSCRIPTION_LIMIT');
      // A query takes no slot.
      expect((await collect(bounded.url, TOP_PRODUCTS)).results[0]?.data).toBeDefined();
      holder.dispose();
      await waitFor(() => (reviewSubscribers(fleet.fleet) === 0 ? true : undefined), 'the first subscription to end');
    });

    it('ends with a SHUTTING_DOWN event, then complete, when the gateway stops, well within shutdownGraceMs', async () => {
      const stopping = await fleet.gateway('server:\n  shutdownGraceMs: 20000\n');
      const seen = run(sseClient(stopping.url), { query: REVIEW_ADDED });
      await waitFor(() => (reviewSubscribers(fleet.fleet) === 1 ? true : undefined), 'the subscription');
      const started = Date.now();
      await stopping.stop();
      // The response ended with the stream, not at the grace deadline.
      expect(Date.now() - started).toBeLessThan(5_000);
      await seen.settled;
      expect(seen.completed).toBe(true);
      expect(seen.results).toEqual([{ errors: [{ message: expect.any(String), extensions: { code: 'SHUTTING_DOWN' } }] }]);
      await waitFor(() => (reviewSubscribers(fleet.fleet) === 0 ? true : undefined), 'the upstream subscription to be closed');
    });
  });
});

/** Runs one operation over SSE to its end. */
async function collect(url: string, query: string): Promise<Seen> {
  const seen = run(sseClient(url), { query });
  await seen.settled;
  return seen;
}
