import WebSocket from 'ws';
import { startTestSubgraph, type TestSubgraph } from '../../helpers/subgraph';
import { composeSubgraphs } from '../../../src/composition';
import { startJunction } from '../../../src/server';
import { startGatewayFor, testConfig, type TestGateway } from '../../helpers/gateway';
import { captureLogs } from '../../helpers/logCapture';
import { waitFor } from '../../helpers/waitFor';
import { closeClients, closeOf, nextMessage, operate, rawSocket, upgradeAnswer, wsClient } from './wsClient';

const fed = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';

/** A raw socket past connection_ack. */
async function acknowledged(url: string, options: WebSocket.ClientOptions = {}): Promise<WebSocket> {
  const socket = rawSocket(url, options);
  await new Promise((resolve) => socket.once('open', resolve));
  const ack = nextMessage(socket);
  socket.send(JSON.stringify({ type: 'connection_init' }));
  expect(await ack).toEqual({ type: 'connection_ack' });
  return socket;
}

describe('WebSocket bounds', () => {
  let subgraph: TestSubgraph;
  const held: Array<() => void> = [];
  const gateways: TestGateway[] = [];
  const start = async (yaml: string): Promise<TestGateway> => {
    const gateway = await startGatewayFor([subgraph], yaml);
    gateways.push(gateway);
    return gateway;
  };

  beforeAll(async () => {
    subgraph = await startTestSubgraph('s', `${fed} type Query { hello: String, slow: String, big: String }`, {
      Query: {
        hello: () => 'hi',
        // Held until the test releases it: an operation that stays open.
        slow: () => new Promise((resolve) => held.push(() => resolve('done'))),
        big: () => 'x'.repeat(256 * 1024),
      },
    });
  });
  afterEach(async () => {
    for (const resolve of held.splice(0)) resolve();
    await closeClients();
  });
  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.stop()));
    await subgraph.stop();
  });

  it('refuses an operation beyond maxPerConnection with SUBSCRIPTION_LIMIT, and takes one again once one ended', async () => {
    const gateway = await start('subscriptions:\n  maxPerConnection: 1\n');
    const client = wsClient(gateway.url);
    const first = operate(client, { query: '{ slow }' });
    await waitFor(() => (held.length > 0 ? true : undefined), 'the first operation to reach the subgraph');
    const second = await operate(client, { query: '{ hello }' });
    expect(second.error).toEqual([{ message: 'More than 1 operations on one connection (subscriptions.maxPerConnection).', extensions: { code: 'SUBSCRIPTION_LIMIT' } }]);
    held.shift()?.();
    expect(await first).toEqual({ results: [{ data: { slow: 'done' } }], completed: true });
    expect(await operate(client, { query: '{ hello }' })).toEqual({ results: [{ data: { hello: 'hi' } }], completed: true });
  });

  it('closes connections beyond maxConnections with 4503 SUBSCRIPTION_LIMIT', async () => {
    const gateway = await start('subscriptions:\n  maxConnections: 1\n');
    const first = await acknowledged(gateway.url);
    const second = rawSocket(gateway.url);
    expect(await closeOf(second)).toEqual({ code: 4503, reason: 'SUBSCRIPTION_LIMIT: too many connections (subscriptions.maxConnections)' });
    // The slot is freed when the first closes.
    const closed = closeOf(first);
    first.close();
    await closed;
    expect(await operate(wsClient(gateway.url), { query: '{ hello }' })).toEqual({ results: [{ data: { hello: 'hi' } }], completed: true });
  });

  it('refuses every upgrade when subscriptions.enabled is false', async () => {
    const gateway = await start('subscriptions:\n  enabled: false\n');
    expect(await upgradeAnswer(rawSocket(gateway.url))).toEqual({ status: 400, body: { errors: [{ message: 'WebSocket connections are off (subscriptions.enabled: false).', extensions: { code: 'OPERATION_NOT_SUPPORTED' } }] } });
  });

  it('pings every keepAliveMs, and terminates a client that stops answering pings', async () => {
    const gateway = await start('subscriptions:\n  keepAliveMs: 50\n');
    const answering = await acknowledged(gateway.url);
    let pings = 0;
    answering.on('ping', () => pings++);
    await waitFor(() => (pings >= 3 ? true : undefined), 'three pings');
    expect(answering.readyState).toBe(WebSocket.OPEN);
    const silent = await acknowledged(gateway.url, { autoPong: false });
    expect((await closeOf(silent)).code).toBe(1006);
    expect(answering.readyState).toBe(WebSocket.OPEN);
    answering.close();
  });

  it('disconnects a client that does not read (unsent bytes over maxBufferedBytes) with 4429 SUBSCRIPTION_SLOW_CONSUMER', async () => {
    const logs = captureLogs('warn');
    const composed = composeSubgraphs([subgraph]);
    if (!composed.ok) throw new Error('composition failed');
    const junction = await startJunction({ config: testConfig('subscriptions:\n  maxBufferedBytes: 65536\n  maxPerConnection: 1000\n'), supergraph: { sdl: composed.supergraphSdl }, logger: logs.logger });
    gateways.push({ junction, url: junction.url, post: () => Promise.reject(new Error('unused')), stop: () => junction.stop() });
    await junction.ready;
    const socket = await acknowledged(junction.url);
    const closed = closeOf(socket);
    // The client stops reading; its operations' answers (256 KiB each) pile up on the gateway's side.
    (socket as unknown as { _socket: { pause(): void } })._socket.pause();
    let sent = 0;
    await waitFor(() => {
      for (let i = 0; i < 10; i++) socket.send(JSON.stringify({ type: 'subscribe', id: String(sent++), payload: { query: '{ big }' } }));
      return logs.lines.find((line) => line.code === 'SUBSCRIPTION_SLOW_CONSUMER');
    }, 'the gateway to drop the slow consumer', 20_000);
    (socket as unknown as { _socket: { resume(): void } })._socket.resume();
    expect(await closed).toEqual({ code: 4429, reason: 'SUBSCRIPTION_SLOW_CONSUMER: more than 65536 bytes unread' });
  });
});
