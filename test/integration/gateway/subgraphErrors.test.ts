import { GraphQLError } from 'graphql';
import { composeSubgraphs } from '../../../src/composition';
import { loadConfig } from '../../../src/config';
import { startJunction, type Junction } from '../../../src/server';
import { postGraphQL, writeTemp } from '../../helpers/gateway';
import { captureLogs } from '../../helpers/logCapture';
import { startRawServer } from '../../helpers/rawServer';
import { startTestSubgraph, type TestSubgraph } from '../../helpers/subgraph';

const fed = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';
// The finding's error, as a subgraph whose database is down answers it.
const LEAKY_MESSAGE = 'connect ECONNREFUSED postgres://admin:hunter2@10.9.8.7/db';
const leaky = () => new GraphQLError(LEAKY_MESSAGE, { extensions: { code: 'DB_DOWN', internalHost: '10.9.8.7' } });

interface Started {
  junction: Junction;
  logs: Array<Record<string, unknown>>;
  post(query: string, headers?: Record<string, string>): ReturnType<typeof postGraphQL>;
}

describe.each(['junction', 'apollo'] as const)('subgraph errors reaching clients (executor: %s)', (executor) => {
  let orders: TestSubgraph;
  let billing: TestSubgraph;
  let down: { url: string };
  const started: Junction[] = [];

  beforeAll(async () => {
    orders = await startTestSubgraph('orders', `${fed} type Query { order: String, badInput: String, fakeTransport: String }`, {
      Query: {
        order: () => {
          throw leaky();
        },
        badInput: () => {
          throw new GraphQLError('Order id must be a positive number.', { extensions: { code: 'BAD_USER_INPUT', field: 'id', internalHost: '10.9.8.7' } });
        },
        // A subgraph claiming one of Junction's own transport codes does not get its message through that way.
        fakeTransport: () => {
          throw new GraphQLError(LEAKY_MESSAGE, { extensions: { code: 'SUBGRAPH_UNAVAILABLE' } });
        },
      },
    });
    billing = await startTestSubgraph('billing', `${fed} type Query { invoice: String }`, {
      Query: {
        invoice: () => {
          throw leaky();
        },
      },
    });
    const released = await startRawServer((_req, res) => res.end());
    await released.stop();
    down = released;
  });
  afterAll(async () => {
    for (const j of started) await j.stop();
    await Promise.all([orders.stop(), billing.stop()]);
  });

  async function start(yaml: string, env: Record<string, string>): Promise<Started> {
    const composed = composeSubgraphs([orders, billing, { name: 'ledger', url: down.url, sdl: `${fed} type Query { balance: Int }` }]);
    if (!composed.ok) throw new Error('composition failed');
    const loaded = loadConfig({ file: writeTemp('gateway.yaml', `execution:\n  executor: ${executor}\n${yaml}`), env, overrides: { port: 0, host: '127.0.0.1', metricsPort: 0 } });
    if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
    const { logger, lines } = captureLogs('info');
    const junction = await startJunction({ config: loaded.value, supergraph: { sdl: composed.supergraphSdl }, logger });
    started.push(junction);
    await junction.ready;
    return { junction, logs: lines, post: (query, headers = {}) => postGraphQL(junction.url, { query }, headers) };
  }

  describe('in production (the default policy)', () => {
    let gateway: Started;
    beforeAll(async () => {
      gateway = await start('', { NODE_ENV: 'production' });
    });

    it('redacts the message and drops every extension but code and serviceName, and logs the original with the request id', async () => {
      const res = await gateway.post('{ order }', { 'x-request-id': `redact-${executor}` });
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual({ order: null });
      expect(res.body.errors).toEqual([{ message: 'Subgraph errors redacted', path: ['order'], extensions: { code: 'DB_DOWN', serviceName: 'orders' } }]);
      expect(JSON.stringify(res.body)).not.toMatch(/postgres|10\.9\.8\.7|hunter2|internalHost/);
      const logged = gateway.logs.find((line) => line.requestId === `redact-${executor}` && line.msg === 'subgraph errors redacted');
      expect(logged).toMatchObject({ level: 40, redacted: 1, errors: [{ message: LEAKY_MESSAGE, path: ['order'], extensions: { code: 'DB_DOWN', internalHost: '10.9.8.7', serviceName: 'orders' } }] });
    });

    it('passes the message of a code meant for clients (BAD_USER_INPUT), still without internal extensions', async () => {
      const res = await gateway.post('{ badInput }');
      expect(res.body.errors).toEqual([{ message: 'Order id must be a positive number.', path: ['badInput'], extensions: { code: 'BAD_USER_INPUT', serviceName: 'orders' } }]);
    });

    it("keeps Junction's own transport failure messages, but not a subgraph's message under such a code", async () => {
      const unavailable = await gateway.post('{ balance }');
      // (@apollo/gateway's executor gives a failed fetch's error no path; Junction's puts it at the field.)
      expect(unavailable.body.errors?.[0]?.message).toBe('Subgraph "ledger" is unavailable.');
      expect(unavailable.body.errors?.[0]?.extensions).toEqual({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'ledger' });
      const fake = await gateway.post('{ fakeTransport }');
      expect(fake.body.errors?.[0]).toMatchObject({ message: 'Subgraph errors redacted', extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'orders' } });
    });
  });

  it('keeps allowlisted extensions, and a subgraph of its own may pass everything', async () => {
    const gateway = await start(
      'subgraphErrors:\n  all:\n    allowExtensions: [field]\n  subgraphs:\n    billing:\n      redact: false\n',
      { NODE_ENV: 'production' },
    );
    const bad = await gateway.post('{ badInput }');
    expect(bad.body.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', serviceName: 'orders', field: 'id' });
    const res = await gateway.post('{ order invoice }');
    const byPath = Object.fromEntries((res.body.errors ?? []).map((e) => [String(e.path?.[0]), e]));
    expect(byPath.order).toEqual({ message: 'Subgraph errors redacted', path: ['order'], extensions: { code: 'DB_DOWN', serviceName: 'orders' } });
    expect(byPath.invoice).toEqual({ message: LEAKY_MESSAGE, path: ['invoice'], extensions: { code: 'DB_DOWN', internalHost: '10.9.8.7', serviceName: 'billing' } });
  });

  it('passes subgraph errors as they are outside production', async () => {
    const gateway = await start('', { NODE_ENV: 'development' });
    const res = await gateway.post('{ order }');
    expect(res.body.errors).toEqual([{ message: LEAKY_MESSAGE, path: ['order'], extensions: { code: 'DB_DOWN', internalHost: '10.9.8.7', serviceName: 'orders' } }]);
  });

  it('redacts outside production when told to', async () => {
    const gateway = await start('subgraphErrors:\n  all:\n    redact: true\n    passCodes: [DB_DOWN]\n', {});
    const res = await gateway.post('{ order }');
    expect(res.body.errors).toEqual([{ message: LEAKY_MESSAGE, path: ['order'], extensions: { code: 'DB_DOWN', serviceName: 'orders' } }]);
  });
});
