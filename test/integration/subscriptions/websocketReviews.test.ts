import { parsePrometheus, sampleValue } from '../../helpers/prometheus';
import WebSocket from 'ws';
import { startAllSubgraphs, type RunningFleet } from '../../../subgraphs';
import { startGatewayOn, type TestGateway } from '../../helpers/gateway';
import { waitFor } from '../../helpers/waitFor';
import { closeClients, closeOf, nextMessage, rawSocket, wsClient } from './wsClient';
import { postReview as post, REVIEW_ADDED, sampleSupergraph } from './fixture';


/** A raw socket past connection_ack, recording every message it reads. */
async function acknowledged(url: string): Promise<{ socket: WebSocket; messages: Array<{ type: string; id?: string; payload?: unknown }> }> {
  const socket = rawSocket(url);
  await new Promise((resolve) => socket.once('open', resolve));
  const ack = nextMessage(socket);
  socket.send(JSON.stringify({ type: 'connection_init' }));
  expect(await ack).toEqual({ type: 'connection_ack' });
  const messages: Array<{ type: string; id?: string; payload?: unknown }> = [];
  socket.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString('utf8'))));
  return { socket, messages };
}

/** reviewAdded over WebSocket through Junction, from the four sample subgraphs. */
describe('subscriptions over WebSocket, end to end', () => {
  let fleet: RunningFleet;
  let sdl: string;
  const gateways: TestGateway[] = [];
  const subscribers = () => fleet.byName.reviews.dataLayer.feed.localSubscribers;
  const start = async (yaml = ''): Promise<TestGateway> => {
    const gateway = await startGatewayOn({ sdl }, yaml);
    gateways.push(gateway);
    return gateway;
  };

  const postReview = (upc: string, body: string): Promise<void> => post(fleet, upc, body);

  beforeAll(async () => {
    fleet = await startAllSubgraphs();
    sdl = sampleSupergraph(fleet);
  });
  afterEach(() => closeClients());
  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.stop()));
    await fleet?.stop();
  });

  it('delivers reviewAdded events with fields from products, inventory and accounts; unsubscribing closes the upstream', async () => {
    const gateway = await start();
    const events: unknown[] = [];
    let failed: unknown;
    const unsubscribe = wsClient(gateway.url).subscribe({ query: REVIEW_ADDED, variables: { upc: '1' } }, { next: (e) => void events.push(e), error: (e) => (failed = e), complete: () => undefined });
    await waitFor(() => (subscribers() === 1 ? true : undefined), 'the subgraph subscription');
    await postReview('1', 'Great product');
    await postReview('2', 'Another product: not for this subscriber');
    await postReview('1', 'Still great');
    await waitFor(() => (events.length >= 2 ? true : undefined), 'two events');
    const event = (body: string) => ({ data: { reviewAdded: { id: expect.any(String), body, product: { upc: '1', name: expect.any(String), inStock: expect.any(Boolean) }, author: { id: '3', name: expect.any(String) } } } });
    expect(events).toEqual([event('Great product'), event('Still great')]);
    expect(failed).toBeUndefined();
    unsubscribe();
    await waitFor(() => (subscribers() === 0 ? true : undefined), 'the subgraph subscription closed');
    expect(gateway.junction.gateway.subscriptions?.active).toBe(0);
  });

  it('disconnects a subscriber that stops reading with 4429 SUBSCRIPTION_SLOW_CONSUMER and ends its subscriptions', async () => {
    const gateway = await start('subscriptions:\n  maxBufferedBytes: 16384\n  subscribeRatePerSec: 1000\n');
    const { socket } = await acknowledged(gateway.url);
    const closed = closeOf(socket);
    // Many identical subscriptions on one socket: each event is written once per subscription.
    for (let id = 0; id < 100; id++) socket.send(JSON.stringify({ type: 'subscribe', id: String(id), payload: { query: REVIEW_ADDED } }));
    await waitFor(() => (gateway.junction.gateway.subscriptions?.active === 100 ? true : undefined), '100 subscriptions');
    (socket as unknown as { _socket: { pause(): void } })._socket.pause();
    let n = 0;
    await waitFor(async () => {
      await postReview('3', `review ${n++} ${'x'.repeat(1000)}`);
      return gateway.junction.gateway.subscriptions?.active === 0 ? true : undefined;
    }, 'the slow consumer\'s subscriptions to end', 30_000);
    (socket as unknown as { _socket: { resume(): void } })._socket.resume();
    expect(await closed).toEqual({ code: 4429, reason: 'SUBSCRIPTION_SLOW_CONSUMER: more than 16384 bytes unread' });
    await waitFor(() => (subscribers() === 0 ? true : undefined), 'the subgraph subscription closed');
    // Counted as what it was, not as the client leaving.
    const samples = parsePrometheus(await (await fetch(gateway.junction.metricsUrl as string)).text());
    expect(sampleValue(samples, 'junction_subscriptions_ended_total', { transport: 'websocket', reason: 'slow_consumer' })).toBe(100);
    expect(sampleValue(samples, 'junction_subscriptions_ended_total', { transport: 'websocket', reason: 'client' })).toBe(0);
  }, 40_000);

  it('on stop, ends each subscription with a terminal SHUTTING_DOWN next, completes it, then closes the socket 1001', async () => {
    const gateway = await start('server:\n  shutdownGraceMs: 3000\n');
    const { socket, messages } = await acknowledged(gateway.url);
    socket.send(JSON.stringify({ type: 'subscribe', id: 'a', payload: { query: REVIEW_ADDED, variables: { upc: '4' } } }));
    await waitFor(() => (gateway.junction.gateway.subscriptions?.active === 1 ? true : undefined), 'the subscription');
    const closed = closeOf(socket);
    const started = Date.now();
    await gateway.stop();
    expect(await closed).toEqual({ code: 1001, reason: 'SHUTTING_DOWN: the gateway is stopping' });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(messages).toEqual([
      { type: 'next', id: 'a', payload: { errors: [{ message: expect.any(String), extensions: { code: 'SHUTTING_DOWN' } }] } },
      { type: 'complete', id: 'a' },
    ]);
  });
});
