import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeSubgraphs } from '../../../src/composition';
import { startJunction, type Junction } from '../../../src/server';
import { postGraphQL, testConfig } from '../../helpers/gateway';
import { devToken } from '../../helpers/identity';
import { captureLogs } from '../../helpers/logCapture';
import { startPrivateRedis, uniquePrefix } from '../../helpers/redis';
import { startTestSubgraph, type TestSubgraph } from '../../helpers/subgraph';
import { waitFor } from '../../helpers/waitFor';

const fed = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])';

describe('access log and request ids', () => {
  let products: TestSubgraph;
  let stock: TestSubgraph;
  let junction: Junction;
  const logs = captureLogs('info');

  beforeAll(async () => {
    products = await startTestSubgraph('products', `${fed} type Query { products: [Product] } type Product @key(fields: "id") { id: ID!, name: String }`, {
      Query: { products: () => [{ id: '1', name: 'One' }] },
    });
    stock = await startTestSubgraph('stock', `${fed} type Product @key(fields: "id") { id: ID!, stock: Int }`, {
      Product: { __resolveReference: (ref: { id: string }) => ({ id: ref.id, stock: 5 }) },
    });
    const composed = composeSubgraphs([products, stock]);
    if (!composed.ok) throw new Error('composition failed');
    junction = await startJunction({ config: testConfig(), supergraph: { sdl: composed.supergraphSdl }, logger: logs.logger });
    await junction.ready;
  });
  afterAll(async () => {
    await junction?.stop();
    await Promise.all([products?.stop(), stock?.stop()]);
  });

  const requestLines = () => logs.lines.filter((l) => l.msg === 'request');

  it('writes one line per request with the operation, client, status, duration, cost and subgraphs — and no secrets', async () => {
    const token = await devToken('alice');
    const before = requestLines().length;
    const res = await fetch(junction.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'apollographql-client-name': 'web', 'apollographql-client-version': '1.2.3', 'x-request-id': 'req-42' },
      body: JSON.stringify({ query: 'query Stock { products { name stock } }' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('req-42');
    await res.text();
    await waitFor(() => (requestLines().length > before ? true : undefined), 'the access-log line');
    const line = requestLines().at(-1) as Record<string, unknown>;
    expect(line).toMatchObject({
      level: 30,
      requestId: 'req-42',
      method: 'POST',
      path: '/graphql',
      status: 200,
      operationName: 'Stock',
      operationHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      operationType: 'query',
      clientName: 'web',
      clientVersion: '1.2.3',
      cost: expect.any(Number),
      subgraphs: ['products', 'stock'],
    });
    expect(line.durationMs).toEqual(expect.any(Number));
    expect(JSON.stringify(logs.lines)).not.toContain(token);
  });

  it('logs error codes and refusals answered before Apollo Server, and replaces an invalid request id', async () => {
    const before = requestLines().length;
    const invalid = await fetch(junction.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'bad id with spaces' }, body: JSON.stringify({ query: '{ nope }' }) });
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    await invalid.text();
    const malformed = await fetch(junction.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    expect(malformed.status).toBe(400);
    await malformed.text();
    await waitFor(() => (requestLines().length >= before + 2 ? true : undefined), 'two access-log lines');
    const [validation, badJson] = requestLines().slice(before) as Array<Record<string, unknown>>;
    expect(validation).toMatchObject({ status: 400, errors: ['GRAPHQL_VALIDATION_FAILED'] });
    expect(badJson).toMatchObject({ status: 400, path: '/graphql' });
  });
});

describe('/health and /ready', () => {
  it('are not ready before a supergraph is loaded; /ready also needs a configured Redis to answer', async () => {
    const redis = await startPrivateRedis();
    const subgraph = await startTestSubgraph('hello', `${fed} type Query { hello: String }`, { Query: { hello: () => 'world' } });
    const composed = composeSubgraphs([subgraph]);
    if (!composed.ok) throw new Error('composition failed');
    // The registry on, empty, and no seed: nothing is served until a publish.
    const yaml = `store:\n  backend: redis\n  keyPrefix: "${uniquePrefix('ready')}"\n  redis:\n    url: ${redis.url}\n    commandTimeoutMs: 200\nregistry:\n  enabled: true\n  backend: file\n  dataDir: ${mkdtempSync(join(tmpdir(), 'junction-ready-'))}\nadmin:\n  token:\n    value: ready-admin-token-0123456789abcdef0123\n`;
    const junction = await startJunction({ config: testConfig(yaml), logger: captureLogs().logger });
    const origin = junction.url.replace('/graphql', '');
    const status = async (path: string) => (await fetch(`${origin}${path}`)).status;
    try {
      expect(await status('/health')).toBe(503);
      expect(await status('/ready')).toBe(503);
      const published = await fetch(`${origin}/admin/subgraphs/hello`, {
        method: 'POST',
        headers: { authorization: 'Bearer ready-admin-token-0123456789abcdef0123', 'content-type': 'application/json' },
        body: JSON.stringify({ url: subgraph.url, sdl: subgraph.sdl }),
      });
      expect(published.status).toBe(200);
      await waitFor(async () => ((await status('/ready')) === 200 ? true : undefined), '/ready once a supergraph is served and Redis answers');
      expect(await status('/health')).toBe(200);
      expect((await postGraphQL(junction.url, { query: '{ hello }' })).body).toEqual({ data: { hello: 'world' } });
      await redis.stop();
      await waitFor(async () => ((await status('/ready')) === 503 ? true : undefined), '/ready to report Redis gone');
      expect(await status('/health')).toBe(200);
    } finally {
      await junction.stop();
      await subgraph.stop();
      await redis.stop();
    }
  });
});
