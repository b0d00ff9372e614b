import { composeSubgraphs } from '../../../src/composition';
import { startJunction, type Junction } from '../../../src/server';
import { startGatewayFor, testConfig, writeTemp, type TestGateway } from '../../helpers/gateway';
import { captureLogs } from '../../helpers/logCapture';
import type { TestSubgraph } from '../../helpers/subgraph';
import { waitFor } from '../../helpers/waitFor';
import { apq, manifest, startCatalog } from '../operations/fixture';
import { closeClients, closeOf, nextMessage, operate, rawSocket, wsClient } from './wsClient';

const LISTED = 'query Listed { product(id: "1") { id name } }';
const LISTED_DATA = { product: { id: '1', name: 'Product 1' } };
const ANSWERED = { results: [{ data: LISTED_DATA }], completed: true };

describe('policies over WebSocket: the same pipeline as HTTP', () => {
  let catalog: TestSubgraph;
  const gateways: TestGateway[] = [];
  const start = async (yaml: string): Promise<TestGateway> => {
    const gateway = await startGatewayFor([catalog], yaml);
    gateways.push(gateway);
    return gateway;
  };

  beforeAll(async () => (catalog = await startCatalog()));
  afterEach(() => closeClients());
  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.stop()));
    await catalog.stop();
  });

  it('applies the persisted-operation safelist to each operation', async () => {
    const path = writeTemp('manifest.json', manifest([{ body: LISTED, name: 'Listed' }]));
    const gateway = await start(`persistedQueries:\n  mode: safelist\n  manifests:\n    - path: ${path}\n`);
    const client = wsClient(gateway.url);
    expect(await operate(client, { query: LISTED })).toEqual(ANSWERED);
    // An id alone: graphql-ws wants a string query, so such clients send ''.
    expect(await operate(client, { query: '', extensions: apq(LISTED) })).toEqual(ANSWERED);
    const refused = await operate(client, { query: '{ products { id } }' });
    expect(refused.error).toEqual([{ message: expect.any(String), extensions: { code: 'QUERY_NOT_IN_SAFELIST' } }]);
  });

  it('spends the client\'s rate-limit budget per operation and refuses beyond it with RATE_LIMITED', async () => {
    const gateway = await start('rateLimit:\n  enabled: true\n  perClient:\n    requests: 2\n');
    const client = wsClient(gateway.url);
    expect(await operate(client, { query: LISTED })).toEqual(ANSWERED);
    expect(await operate(client, { query: LISTED })).toEqual(ANSWERED);
    const refused = await operate(client, { query: LISTED });
    expect(refused.error).toEqual([{ message: expect.stringMatching(/^Rate limit reached: 2 requests per 60 s for this client\./), extensions: { code: 'RATE_LIMITED' } }]);
  });

  it('applies request limits (maxDepth) to each operation', async () => {
    const gateway = await start('limits:\n  maxDepth: 2\n');
    const refused = await operate(wsClient(gateway.url), { query: '{ node { child { child { id } } } }' });
    expect(refused.error).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'MAX_DEPTH_LIMIT' }) })]);
  });
});

describe('WebSocket observability and shutdown', () => {
  let catalog: TestSubgraph;
  let junction: Junction;
  const logs = captureLogs('info');

  beforeAll(async () => {
    catalog = await startCatalog();
    const composed = composeSubgraphs([catalog]);
    if (!composed.ok) throw new Error('composition failed');
    junction = await startJunction({ config: testConfig('metrics:\n  enabled: true\n'), supergraph: { sdl: composed.supergraphSdl }, logger: logs.logger });
    await junction.ready;
  });
  afterAll(async () => {
    await closeClients();
    await junction.stop();
    await catalog.stop();
  });

  it('writes one access-log line per operation when it ends, and counts open connections', async () => {
    const client = wsClient(junction.url);
    expect(await operate(client, { query: LISTED, operationName: 'Listed' })).toEqual(ANSWERED);
    const line = await waitFor(() => logs.lines.find((l) => l.msg === 'request' && l.transport === 'websocket'), 'the access-log line');
    expect(line).toMatchObject({ operationName: 'Listed', operationType: 'query', events: 1, reason: 'complete', connectionId: expect.any(String), durationMs: expect.any(Number) });
    const open = async (n: number) => ((await (await fetch(junction.metricsUrl as string)).text()).includes(`junction_stream_connections{transport="websocket"} ${n}\n`) ? true : undefined);
    const socket = rawSocket(junction.url);
    await new Promise((resolve) => socket.once('open', resolve));
    expect(await open(1)).toBe(true);
    socket.close();
    await waitFor(() => open(0), 'the gauge to drop');
  });

  it('closes every socket with 1001 on stop', async () => {
    const socket = rawSocket(junction.url);
    await new Promise((resolve) => socket.once('open', resolve));
    const ack = nextMessage(socket);
    socket.send(JSON.stringify({ type: 'connection_init' }));
    await ack;
    const closed = closeOf(socket);
    const stopped = junction.stop();
    expect(await closed).toEqual({ code: 1001, reason: 'SHUTTING_DOWN: the gateway is stopping' });
    await stopped;
  });
});
