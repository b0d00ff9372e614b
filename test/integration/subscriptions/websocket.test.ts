import { startTestSubgraph, type TestSubgraph } from '../../helpers/subgraph';
import { startGatewayFor, type TestGateway } from '../../helpers/gateway';
import { closeClients, closeOf, operate, rawSocket, upgradeAnswer, wsClient } from './wsClient';

const fed = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';

describe('GraphQL over WebSocket (graphql-transport-ws)', () => {
  let subgraph: TestSubgraph;
  let touches = 0;
  const gateways: TestGateway[] = [];
  const start = async (yaml = ''): Promise<TestGateway> => {
    const gateway = await startGatewayFor([subgraph], yaml);
    gateways.push(gateway);
    return gateway;
  };

  beforeAll(async () => {
    subgraph = await startTestSubgraph('s', `${fed} type Query { hello: String } type Mutation { touch: Int! }`, {
      Query: {
        hello: () => 'hi',
      },
      Mutation: { touch: () => ++touches },
    });
  });
  afterEach(() => closeClients());
  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.stop()));
    await subgraph.stop();
  });

  describe('operations', () => {
    let gateway: TestGateway;
    beforeAll(async () => (gateway = await start()));

    it('answers a query with one next then complete', async () => {
      const outcome = await operate(wsClient(gateway.url), { query: '{ hello }' });
      expect(outcome).toEqual({ results: [{ data: { hello: 'hi' } }], completed: true });
    });

    it('runs mutations, several operations on one connection', async () => {
      const client = wsClient(gateway.url);
      const [a, b] = await Promise.all([operate(client, { query: 'mutation { touch }' }), operate(client, { query: 'mutation { touch }' })]);
      expect([a.results, b.results].flat()).toEqual(expect.arrayContaining([{ data: { touch: expect.any(Number) } }]));
      expect(a.completed && b.completed).toBe(true);
    });

    it('answers a validation failure with an error message carrying its code', async () => {
      const outcome = await operate(wsClient(gateway.url), { query: '{ nope }' });
      expect(outcome.results).toEqual([]);
      expect(outcome.error).toEqual([expect.objectContaining({ message: expect.stringContaining('nope'), extensions: expect.objectContaining({ code: 'GRAPHQL_VALIDATION_FAILED' }) })]);
    });

    it('refuses upgrades on other paths with 404 and a code', async () => {
      const answer = await upgradeAnswer(rawSocket(gateway.url.replace('/graphql', '/other')));
      expect(answer).toEqual({ status: 404, body: { errors: [{ message: 'No WebSocket route at /other.', extensions: { code: 'NOT_FOUND' } }] } });
    });

    it('closes a socket that sends no connection_init in time with 4408', async () => {
      const quick = await start('subscriptions:\n  connectionInitTimeoutMs: 100\n');
      const socket = rawSocket(quick.url);
      expect(await closeOf(socket)).toEqual({ code: 4408, reason: 'Connection initialisation timeout' });
    });

    it('closes a socket whose message is larger than maxMessageBytes with 1009', async () => {
      const small = await start('subscriptions:\n  maxMessageBytes: 1024\n');
      const socket = rawSocket(small.url);
      await new Promise((resolve) => socket.once('open', resolve));
      const closed = closeOf(socket);
      socket.send(JSON.stringify({ type: 'connection_init', payload: { pad: 'x'.repeat(2000) } }));
      expect((await closed).code).toBe(1009);
    });
  });
});
