import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeaderMap } from '@apollo/server';
import { beginRequest } from '../../../src/observability';
import type { PipelineAnswer, TransportFacts } from '../../../src/pipeline';
import { handleGraphQL } from '../../../src/server/graphqlRoute';
import { createSseTransport } from '../../../src/server/sseTransport';
import { StreamConnections } from '../../../src/server/streamConnections';
import { captureLogs } from '../../helpers/logCapture';
import { waitFor } from '../../helpers/waitFor';
import { PushStream } from '../subscriptions/pushStream';
import { DEFER_ACCEPT, MULTIPART_DEFER_TYPE, readParts } from './deferFixture';

const PLACEHOLDER = { status: 200, headers: new HeaderMap([['content-type', 'application/json; charset=utf-8']]), body: { kind: 'complete' as const, string: '{"data":{}}' } };
const WHOLE = { status: 200, headers: new HeaderMap([['content-type', 'application/json; charset=utf-8']]), body: { kind: 'complete' as const, string: '{"data":{"whole":true}}' } };

/**
 * The real HTTP route (negotiation, multipart writer, access log) over a stub pipeline: an incremental request
 * gets a stream the test drives, any other the whole answer — the gateway's side of the contract stands in.
 */
async function startRoute(settings: { maxConnections?: number } = {}) {
  const connections = new StreamConnections(settings.maxConnections ?? 10);
  const streaming = { maxBufferedBytes: 4 * 1024 * 1024, multipartHeartbeatMs: 20 };
  const logs = captureLogs();
  const seen: TransportFacts[] = [];
  const streams: PushStream[] = [];
  const pipeline = {
    stages: [],
    authenticate: async () => undefined,
    run: async (_engine: unknown, _request: unknown, facts: TransportFacts): Promise<PipelineAnswer> => {
      seen.push(facts);
      if (!facts.incremental) return { refused: undefined, response: WHOLE, headers: [] };
      const stream = new PushStream();
      streams.push(stream);
      return { refused: undefined, response: PLACEHOLDER, headers: [], stream };
    },
  };
  const server: Server = createServer((req, res) => {
    const requestFacts = beginRequest(req, res, logs.logger, true);
    void handleGraphQL({} as never, req, res, {
      maxBodyBytes: 100_000,
      bodyIdleTimeoutMs: 5_000,
      pipeline: pipeline as never,
      requestFacts,
      streaming: { connections, settings: streaming, sse: createSseTransport(connections, streaming) },
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  const post = (accept: string, signal?: AbortSignal) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept }, body: JSON.stringify({ query: '{ a ... @defer { b } }' }), signal });
  const stop = () => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
  return { url, post, seen, streams, connections, lines: logs.lines, stop, nth: (n: number) => waitFor(() => streams[n], `stream ${n}`) };
}

type Route = Awaited<ReturnType<typeof startRoute>>;
let route: Route;
beforeEach(async () => {
  route = await startRoute();
});
afterEach(() => route.stop());

const accessLines = (lines: Array<Record<string, unknown>>) => lines.filter((line) => line.msg === 'request');

describe('@defer over multipart HTTP (deferSpec=20220824), the route and writer over a driven stream', () => {
  it('writes each part as it comes, in Router\'s framing, and logs the parts', async () => {
    const res = await route.post(DEFER_ACCEPT);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(MULTIPART_DEFER_TYPE);
    expect(route.seen[0]).toMatchObject({ incremental: true });
    expect(route.seen[0]?.transport).toBeUndefined();
    const { parts, finished } = await readParts(res);
    const stream = await route.nth(0);
    stream.push({ data: { a: 1 }, hasNext: true });
    // Flushed at once: the client has the primary part while the deferred one is still being fetched.
    await waitFor(() => (parts.length === 1 ? true : undefined), 'the primary part');
    expect(parts).toEqual([{ data: { a: 1 }, hasNext: true }]);
    stream.push({ incremental: [{ data: { b: 2 }, path: [], label: 'x' }], hasNext: false });
    stream.finish();
    await finished;
    expect(parts).toEqual([{ data: { a: 1 }, hasNext: true }, { incremental: [{ data: { b: 2 }, path: [], label: 'x' }], hasNext: false }]);
    const line = await waitFor(() => accessLines(route.lines)[0], 'the access-log line');
    expect(line).toMatchObject({ status: 200, parts: 2 });
  });

  it('writes the exact bytes: a delimiter, a JSON part per result, the closing delimiter; no heartbeat', async () => {
    const res = await route.post('multipart/mixed;deferSpec=20220824');
    const text = res.text();
    const stream = await route.nth(0);
    stream.push({ data: { a: 1 }, hasNext: true });
    // Longer than the heartbeat interval (20 ms): a deferred answer does not beat.
    await new Promise((resolve) => setTimeout(resolve, 100));
    stream.push({ incremental: [{ data: { b: 2 }, path: [] }], hasNext: false });
    stream.finish();
    expect(await text).toBe(
      '\r\n---' +
        '\r\ncontent-type: application/json\r\n\r\n{"data":{"a":1},"hasNext":true}\r\n---' +
        '\r\ncontent-type: application/json\r\n\r\n{"incremental":[{"data":{"b":2},"path":[]}],"hasNext":false}\r\n---' +
        '--\r\n',
    );
  });

  it('ends with {hasNext:false, errors:[end]} on a terminal item', async () => {
    const { parts, finished } = await readParts(await route.post(DEFER_ACCEPT));
    const stream = await route.nth(0);
    stream.push({ data: { a: 1 }, hasNext: true });
    stream.end({ message: 'The gateway is stopping.', extensions: { code: 'SHUTTING_DOWN' } });
    await finished;
    expect(parts).toEqual([{ data: { a: 1 }, hasNext: true }, { hasNext: false, errors: [{ message: 'The gateway is stopping.', extensions: { code: 'SHUTTING_DOWN' } }] }]);
  });

  it('says hasNext:false itself when a stream completes without it', async () => {
    const { parts, finished } = await readParts(await route.post(DEFER_ACCEPT));
    const stream = await route.nth(0);
    stream.push({ data: { a: 1 }, hasNext: true });
    stream.finish();
    await finished;
    expect(parts).toEqual([{ data: { a: 1 }, hasNext: true }, { hasNext: false }]);
  });

  it('closes the stream and frees the slot when the client leaves mid-answer', async () => {
    const abort = new AbortController();
    const { parts, finished } = await readParts(await route.post(DEFER_ACCEPT, abort.signal));
    const stream = await route.nth(0);
    stream.push({ data: { a: 1 }, hasNext: true });
    await waitFor(() => (parts.length === 1 ? true : undefined), 'the primary part');
    expect(route.connections.open).toBe(1);
    abort.abort();
    await finished.catch(() => undefined);
    await waitFor(() => (stream.closed ? true : undefined), 'the stream to be closed');
    await waitFor(() => (route.connections.open === 0 ? true : undefined), 'the slot to be freed');
  });

  it('refuses with 503 SUBSCRIPTION_LIMIT, not a multipart body, when every long-lived slot is taken', async () => {
    await route.stop();
    route = await startRoute({ maxConnections: 1 });
    const first = await readParts(await route.post(DEFER_ACCEPT));
    await route.nth(0);
    const res = await route.post(DEFER_ACCEPT);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]?.extensions.code).toBe('SUBSCRIPTION_LIMIT');
    expect(route.streams[1]?.closed).toBe(true);
    route.streams[0]?.finish();
    await first.finished;
  });

  it.each([
    ['application/json'],
    // Asking for multipart subscriptions: one response cannot speak both framings, so @defer comes whole.
    ['multipart/mixed;subscriptionSpec="1.0",multipart/mixed;deferSpec=20220824,application/json'],
  ])('answers one JSON without the deferSpec Accept (%s)', async (accept) => {
    const res = await route.post(accept);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ data: { whole: true } });
    expect(route.seen[0]?.incremental).toBe(false);
    const line = await waitFor(() => accessLines(route.lines)[0], 'the access-log line');
    expect(line.parts).toBeUndefined();
  });

  it('takes a GET with the deferSpec Accept too', async () => {
    const done = new Promise<string>((resolve, reject) => {
      const req = httpRequest(`${route.url}?query=${encodeURIComponent('{ a ... @defer { b } }')}`, { headers: { accept: DEFER_ACCEPT, 'apollo-require-preflight': 'true' } }, (res) => {
        expect(res.headers['content-type']).toBe(MULTIPART_DEFER_TYPE);
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        res.on('end', () => resolve(body));
      });
      req.on('error', reject);
      req.end();
    });
    const stream = await route.nth(0);
    stream.push({ data: { a: 1 }, hasNext: false });
    stream.finish();
    expect(await done).toContain('{"data":{"a":1},"hasNext":false}\r\n-----\r\n');
  });
});
