import WebSocket from 'ws';
import { waitFor } from '../../helpers/waitFor';
import { startFakeCore, type FakeCore } from './fakeStream';
import { closeClients, closeOf, nextMessage, operate, rawSocket, upgradeAnswer, wsClient } from './wsClient';

const SUBSCRIPTION = { query: 'subscription { reviewAdded { id } }' };
const SHUTTING_DOWN = { message: 'The gateway is stopping.', extensions: { code: 'SHUTTING_DOWN' } };

/** A raw socket past connection_ack. */
async function acknowledged(url: string): Promise<WebSocket> {
  const socket = rawSocket(url);
  await new Promise((resolve) => socket.once('open', resolve));
  const ack = nextMessage(socket);
  socket.send(JSON.stringify({ type: 'connection_init' }));
  expect(await ack).toEqual({ type: 'connection_ack' });
  return socket;
}

describe('WebSocket delivery of operation streams (the transport\'s side of the stream contract)', () => {
  let core: FakeCore;
  afterEach(async () => {
    await closeClients();
    await core?.stop();
  });

  it('sends each result as next, and a terminal error as a last next then complete', async () => {
    core = await startFakeCore();
    const outcome = operate(wsClient(core.url), SUBSCRIPTION);
    const stream = await waitFor(() => core.opened[0], 'the stream');
    stream.push({ result: { data: { reviewAdded: { id: '1' } } } });
    stream.push({ result: { data: { reviewAdded: { id: '2' } } } });
    const upstreamGone = { message: 'The subgraph closed the subscription.', extensions: { code: 'SUBSCRIPTION_UPSTREAM_CLOSED' } };
    stream.push({ end: upstreamGone });
    expect(await outcome).toEqual({ results: [{ data: { reviewAdded: { id: '1' } } }, { data: { reviewAdded: { id: '2' } } }, { errors: [upstreamGone] }], completed: true });
  });

  it('completes when the stream completes', async () => {
    core = await startFakeCore();
    const outcome = operate(wsClient(core.url), SUBSCRIPTION);
    const stream = await waitFor(() => core.opened[0], 'the stream');
    stream.push({ result: { data: { reviewAdded: { id: '1' } } } });
    stream.finish();
    expect(await outcome).toEqual({ results: [{ data: { reviewAdded: { id: '1' } } }], completed: true });
  });

  it('closes the stream when the client completes the operation, and when its socket closes', async () => {
    core = await startFakeCore();
    const client = wsClient(core.url, { lazy: false });
    const first = operate(client, SUBSCRIPTION);
    const second = operate(client, SUBSCRIPTION);
    const [a, b] = await waitFor(() => (core.opened.length === 2 ? core.opened : undefined), 'two streams');
    first.unsubscribe();
    await waitFor(() => (a?.closed ? true : undefined), 'the unsubscribed stream to close');
    expect(b?.closed).toBe(false);
    await client.dispose();
    await waitFor(() => (b?.closed ? true : undefined), 'the stream of the closed socket to close');
    void second;
  });

  it('counts subscriptions against maxPerConnection', async () => {
    core = await startFakeCore('subscriptions:\n  maxPerConnection: 2\n');
    const client = wsClient(core.url);
    void operate(client, SUBSCRIPTION);
    void operate(client, SUBSCRIPTION);
    await waitFor(() => (core.opened.length === 2 ? true : undefined), 'two streams');
    expect((await operate(client, SUBSCRIPTION)).error).toEqual([{ message: 'More than 2 operations on one connection (subscriptions.maxPerConnection).', extensions: { code: 'SUBSCRIPTION_LIMIT' } }]);
  });

  it('answers a refusal with an error for that operation, and closes 4401 when the connection\'s credentials no longer pass', async () => {
    core = await startFakeCore();
    const client = wsClient(core.url, { lazy: false });
    core.refuseNext = { status: 429, code: 'RATE_LIMITED', message: 'Rate limit reached.' };
    expect((await operate(client, SUBSCRIPTION)).error).toEqual([{ message: 'Rate limit reached.', extensions: { code: 'RATE_LIMITED' } }]);
    core.refuseNext = { status: 401, code: 'UNAUTHENTICATED', message: 'Unauthenticated: token expired.' };
    const socket = await acknowledged(core.url);
    const error = nextMessage(socket);
    const closed = closeOf(socket);
    socket.send(JSON.stringify({ type: 'subscribe', id: '1', payload: SUBSCRIPTION }));
    expect(await error).toEqual({ type: 'error', id: '1', payload: [{ message: 'Unauthenticated: token expired.', extensions: { code: 'UNAUTHENTICATED' } }] });
    expect(await closed).toEqual({ code: 4401, reason: 'UNAUTHENTICATED: Unauthenticated: token expired.' });
  });

  it('on shutdown, keeps the socket until its streams ended (SHUTTING_DOWN), then closes 1001', async () => {
    core = await startFakeCore();
    const socket = await acknowledged(core.url);
    const messages: unknown[] = [];
    socket.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString('utf8'))));
    socket.send(JSON.stringify({ type: 'subscribe', id: 's1', payload: SUBSCRIPTION }));
    const stream = await waitFor(() => core.opened[0], 'the stream');
    const closed = closeOf(socket);
    core.streams.closeAll();
    const transportClosed = core.transport.close(Date.now() + 5000);
    // New operations are refused while the connection drains.
    socket.send(JSON.stringify({ type: 'subscribe', id: 's2', payload: SUBSCRIPTION }));
    await waitFor(() => (messages.length > 0 ? true : undefined), 'the refusal of s2');
    expect(socket.readyState).toBe(WebSocket.OPEN);
    stream.push({ end: SHUTTING_DOWN });
    expect(await closed).toEqual({ code: 1001, reason: 'SHUTTING_DOWN: the gateway is stopping' });
    await transportClosed;
    expect(messages).toEqual([
      { type: 'error', id: 's2', payload: [SHUTTING_DOWN] },
      { type: 'next', id: 's1', payload: { errors: [SHUTTING_DOWN] } },
      { type: 'complete', id: 's1' },
    ]);
  });

  it('refuses the upgrade with 503 SCHEMA_NOT_LOADED until a supergraph is served, and 431 for a header flood', async () => {
    core = await startFakeCore('', { apollo: () => undefined });
    expect(await upgradeAnswer(rawSocket(core.url))).toEqual({ status: 503, body: { errors: [{ message: 'No supergraph is loaded yet; try again shortly.', extensions: { code: 'SCHEMA_NOT_LOADED' } }] } });
    await core.stop();
    core = await startFakeCore();
    const flood = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`x-h${i}`, '1']));
    expect(await upgradeAnswer(rawSocket(core.url, { headers: flood }))).toMatchObject({ status: 431, body: { errors: [{ extensions: { code: 'REQUEST_HEADER_FIELDS_TOO_LARGE' } }] } });
  });

  it('disconnects a subscriber that does not read with 4429 and closes its streams', async () => {
    core = await startFakeCore('subscriptions:\n  maxBufferedBytes: 65536\n');
    const socket = await acknowledged(core.url);
    socket.send(JSON.stringify({ type: 'subscribe', id: 's1', payload: SUBSCRIPTION }));
    const stream = await waitFor(() => core.opened[0], 'the stream');
    const closed = closeOf(socket);
    (socket as unknown as { _socket: { pause(): void } })._socket.pause();
    const event = { result: { data: { reviewAdded: { id: 'x'.repeat(64 * 1024) } } } };
    await waitFor(() => {
      for (let i = 0; i < 10; i++) stream.push(event);
      return stream.closed ? true : undefined;
    }, 'the slow consumer\'s stream to close', 20_000);
    (socket as unknown as { _socket: { resume(): void } })._socket.resume();
    expect(await closed).toEqual({ code: 4429, reason: 'SUBSCRIPTION_SLOW_CONSUMER: more than 65536 bytes unread' });
  });
});
