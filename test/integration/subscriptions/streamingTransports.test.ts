import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeaderMap } from '@apollo/server';
import { createClient, type ExecutionResult } from 'graphql-sse';
import { errorBody } from '../../../src/errors';
import { serveMultipart } from '../../../src/server/multipartTransport';
import { createSseTransport } from '../../../src/server/sseTransport';
import { StreamConnections } from '../../../src/server/streamConnections';
import { waitFor } from '../../helpers/waitFor';
import { postMultipart } from './httpFixture';
import { PushStream } from './pushStream';
import { readParts } from '../../helpers/multipart';

const SHUTTING_DOWN = { message: 'The gateway is stopping.', extensions: { code: 'SHUTTING_DOWN' } };

/**
 * The SSE and multipart transports over streams the test drives (the pipeline's answer stands in): what a real
 * client sees of events, heartbeats, terminal items, the connection bound, shutdown and slow consumers.
 */
async function startFront(settings: { maxConnections?: number; maxBufferedBytes?: number; multipartHeartbeatMs?: number; hold?: Promise<void> } = {}) {
  const connections = new StreamConnections(settings.maxConnections ?? 10);
  const streaming = { maxBufferedBytes: settings.maxBufferedBytes ?? 4 * 1024 * 1024, multipartHeartbeatMs: settings.multipartHeartbeatMs ?? 60_000 };
  const sse = createSseTransport(connections, streaming);
  const streams: PushStream[] = [];
  const closed = { count: 0 };
  const answer = () => {
    const stream = new PushStream();
    streams.push(stream);
    return { refused: undefined, headers: [], response: { status: 200, headers: new HeaderMap(), body: { kind: 'complete' as const, string: '{}' } }, stream };
  };
  const server: Server = createServer((req, res) => {
    res.once('close', () => closed.count++);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      // The pipeline's time: a test may hold it (the client leaving meanwhile).
      await settings.hold;
      const refuse = (refusal: { status: number; code: Parameters<typeof errorBody>[0]; message: string }) => {
        res.statusCode = refusal.status;
        res.setHeader('content-type', 'application/json');
        res.end(errorBody(refusal.code, refusal.message));
      };
      const body = chunks.length > 0 ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown) : undefined;
      if (req.headers.accept === 'text/event-stream') return void sse(req, res, { body, run: async () => answer(), refuse });
      void serveMultipart(res, answer().stream, { connections, settings: streaming, refuse });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  const stop = () => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
  return { url, streams, connections, closed, stop, nth: (n: number) => waitFor(() => streams[n], `stream ${n}`) };
}

type Front = Awaited<ReturnType<typeof startFront>>;
const fronts: Front[] = [];
const front = async (settings?: Parameters<typeof startFront>[0]) => {
  const started = await startFront(settings);
  fronts.push(started);
  return started;
};
afterEach(async () => {
  await Promise.all(fronts.splice(0).map((f) => f.stop()));
});

describe('multipart subscriptions over a driven stream', () => {
  it('writes Apollo Router\'s framing: a part per event, a terminal error part, the closing delimiter', async () => {
    const f = await front();
    const pending = postMultipart(f.url, { query: 'subscription { s }' });
    const stream = await f.nth(0);
    stream.push({ data: { n: 1 } });
    stream.end(SHUTTING_DOWN);
    const res = await pending;
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('multipart/mixed;boundary="graphql";subscriptionSpec="1.0"');
    const part = (json: string) => `\r\ncontent-type: application/json\r\n\r\n${json}\r\n--graphql`;
    expect(await res.text()).toBe(`\r\n--graphql${part('{"payload":{"data":{"n":1}}}')}${part(`{"payload":null,"errors":[${JSON.stringify(SHUTTING_DOWN)}]}`)}--\r\n`);
    await waitFor(() => (f.connections.open === 0 ? true : undefined), 'the slot to be freed');
  });

  it('delivers each event as it comes, with `{}` heartbeats between', async () => {
    const f = await front({ multipartHeartbeatMs: 50 });
    const { parts, finished } = await readParts(await postMultipart(f.url, { query: 'subscription { s }' }));
    const stream = await f.nth(0);
    stream.push({ data: { n: 1 } });
    await waitFor(() => (parts.some((p) => JSON.stringify(p) === '{"payload":{"data":{"n":1}}}') ? true : undefined), 'the first event');
    const before = parts.length;
    await waitFor(() => (parts.slice(before).some((p) => JSON.stringify(p) === '{}') ? true : undefined), 'a heartbeat after the event');
    stream.push({ data: { n: 2 }, errors: [{ message: 'partial', extensions: { code: 'X' } }] });
    stream.finish();
    await finished;
    expect(parts.filter((p) => JSON.stringify(p) !== '{}')).toEqual([{ payload: { data: { n: 1 } } }, { payload: { data: { n: 2 }, errors: [{ message: 'partial', extensions: { code: 'X' } }] } }]);
  });

  it('closes the stream and frees the slot when the client leaves', async () => {
    const f = await front();
    const abort = new AbortController();
    const res = await postMultipart(f.url, { query: 'subscription { s }' }, {}, abort.signal);
    expect(res.status).toBe(200);
    const stream = await f.nth(0);
    expect(f.connections.open).toBe(1);
    abort.abort();
    await waitFor(() => (stream.closed && f.connections.open === 0 ? true : undefined), 'the stream to be closed');
  });

  it('closes the stream at once when the client left while the subscription was being set up', async () => {
    let proceed!: () => void;
    const f = await front({ hold: new Promise<void>((resolve) => (proceed = resolve)) });
    for (const accept of ['multipart', 'sse']) {
      const abort = new AbortController();
      const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"subscription { s }"}', signal: abort.signal };
      const pending = (accept === 'sse' ? fetch(f.url, { ...init, headers: { ...init.headers, accept: 'text/event-stream' } }) : postMultipart(f.url, { query: 'subscription { s }' }, {}, abort.signal)).catch(() => undefined);
      // Let the request reach the server before leaving.
      await new Promise((resolve) => setImmediate(resolve));
      abort.abort();
      await pending;
    }
    await waitFor(() => (f.closed.count === 2 ? true : undefined), 'both clients to have left');
    proceed();
    const [multipart, sse] = [await f.nth(0), await f.nth(1)];
    await waitFor(() => (multipart.closed && sse.closed ? true : undefined), 'both streams to be closed');
    expect(f.connections.open).toBe(0);
  });

  it('cuts off a client that does not read (SUBSCRIPTION_SLOW_CONSUMER) and closes its stream', async () => {
    const f = await front({ maxBufferedBytes: 64 * 1024 });
    const res = await postMultipart(f.url, { query: 'subscription { s }' });
    const stream = await f.nth(0);
    const blob = 'x'.repeat(1024 * 1024);
    // The client reads nothing: the kernel's and the fetch's buffers fill, then the response's own.
    await waitFor(() => {
      if (!stream.closed) stream.push({ data: { blob } });
      return stream.closed ? true : undefined;
    }, 'the slow consumer to be cut off', 20_000);
    const { parts, finished } = await readParts(res);
    await finished;
    expect(parts.at(-1)).toEqual({ payload: null, errors: [expect.objectContaining({ extensions: { code: 'SUBSCRIPTION_SLOW_CONSUMER' } })] });
  });
});

describe('the connection bound and shutdown (multipart and SSE alike)', () => {
  it('refuses a stream beyond subscriptions.maxConnections with 503 SUBSCRIPTION_LIMIT, and closes it', async () => {
    const f = await front({ maxConnections: 1 });
    const abort = new AbortController();
    const first = await postMultipart(f.url, { query: 'subscription { s }' }, {}, abort.signal);
    expect(first.status).toBe(200);
    const refused = await postMultipart(f.url, { query: 'subscription { s }' });
    expect(refused.status).toBe(503);
    expect(await refused.json()).toEqual({ errors: [{ message: expect.stringContaining('subscriptions.maxConnections'), extensions: { code: 'SUBSCRIPTION_LIMIT' } }] });
    expect(f.streams[1]?.closed).toBe(true);
    const sse = await fetch(f.url, { method: 'POST', headers: { accept: 'text/event-stream', 'content-type': 'application/json' }, body: '{"query":"subscription { s }"}' });
    expect(sse.status).toBe(503);
    expect(((await sse.json()) as { errors: Array<{ extensions: unknown }> }).errors[0]?.extensions).toEqual({ code: 'SUBSCRIPTION_LIMIT' });
    expect(f.streams[2]?.closed).toBe(true);
    abort.abort();
    await waitFor(() => (f.connections.open === 0 ? true : undefined), 'the slot to be freed');
    expect((await postMultipart(f.url, { query: 'subscription { s }' })).status).toBe(200);
  });

  it('on shutdown, ends each response after its stream\'s terminal item and takes no new stream', async () => {
    const f = await front();
    const multipart = await readParts(await postMultipart(f.url, { query: 'subscription { s }' }));
    const multipartStream = await f.nth(0);
    const client = createClient({ url: f.url, singleConnection: false, retryAttempts: 0 });
    const results: ExecutionResult[] = [];
    const sseDone = new Promise<void>((resolve, reject) => client.subscribe({ query: 'subscription { s }' }, { next: (r) => void results.push(r as ExecutionResult), error: reject, complete: resolve }));
    const sseStream = await f.nth(1);
    f.connections.closeAll();
    const refused = await postMultipart(f.url, { query: 'subscription { s }' });
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { errors: Array<{ extensions: unknown }> }).errors[0]?.extensions).toEqual({ code: 'SHUTTING_DOWN' });
    // The core ends every stream with SHUTTING_DOWN; the transports end their responses after it.
    multipartStream.end(SHUTTING_DOWN);
    sseStream.end(SHUTTING_DOWN);
    await multipart.finished;
    await sseDone;
    expect(multipart.parts).toEqual([{ payload: null, errors: [SHUTTING_DOWN] }]);
    expect(results).toEqual([{ errors: [SHUTTING_DOWN] }]);
    client.dispose();
  });
});

describe('SSE over a driven stream', () => {
  it('delivers events as `next`, a terminal item as a last `next` with its error, then `complete`', async () => {
    const f = await front();
    const client = createClient({ url: f.url, singleConnection: false, retryAttempts: 0 });
    const results: ExecutionResult[] = [];
    const done = new Promise<void>((resolve, reject) => client.subscribe({ query: 'subscription { s }' }, { next: (r) => void results.push(r as ExecutionResult), error: reject, complete: resolve }));
    const stream = await f.nth(0);
    stream.push({ data: { n: 1 } });
    await waitFor(() => (results.length === 1 ? true : undefined), 'the first event');
    stream.push({ data: { n: 2 } });
    stream.end({ message: 'The subgraph closed the subscription.', extensions: { code: 'SUBSCRIPTION_UPSTREAM_CLOSED' } });
    await done;
    expect(results).toEqual([{ data: { n: 1 } }, { data: { n: 2 } }, { errors: [{ message: 'The subgraph closed the subscription.', extensions: { code: 'SUBSCRIPTION_UPSTREAM_CLOSED' } }] }]);
    await waitFor(() => (f.connections.open === 0 ? true : undefined), 'the slot to be freed');
    client.dispose();
  });

  it('closes the stream and frees the slot when the client unsubscribes', async () => {
    const f = await front();
    const client = createClient({ url: f.url, singleConnection: false, retryAttempts: 0 });
    const dispose = client.subscribe({ query: 'subscription { s }' }, { next: () => undefined, error: () => undefined, complete: () => undefined });
    const stream = await f.nth(0);
    await waitFor(() => (f.connections.open === 1 ? true : undefined), 'the slot to be taken');
    dispose();
    await waitFor(() => (stream.closed && f.connections.open === 0 ? true : undefined), 'the stream to be closed');
    client.dispose();
  });

  it('cuts off a client that does not read (SUBSCRIPTION_SLOW_CONSUMER) and closes its stream', async () => {
    const f = await front({ maxBufferedBytes: 64 * 1024 });
    const res = await fetch(f.url, { method: 'POST', headers: { accept: 'text/event-stream', 'content-type': 'application/json' }, body: '{"query":"subscription { s }"}' });
    expect(res.status).toBe(200);
    const stream = await f.nth(0);
    const blob = 'x'.repeat(1024 * 1024);
    await waitFor(() => {
      if (!stream.closed) stream.push({ data: { blob } });
      return stream.closed ? true : undefined;
    }, 'the slow consumer to be cut off', 20_000);
    const events = (await res.text()).split('\n\n').filter((e) => e.startsWith('event:'));
    expect(events.at(-1)).toBe('event: complete\ndata:');
    expect(JSON.parse(events.at(-2)?.replace(/^event: next\ndata: /, '') ?? 'null')).toEqual({ errors: [expect.objectContaining({ extensions: { code: 'SUBSCRIPTION_SLOW_CONSUMER' } })] });
  });
});
