import { startTestSubgraph, type TestSubgraph } from '../../helpers/subgraph';
import { startGatewayFor, type TestGateway } from '../../helpers/gateway';
import { startRawServer } from '../../helpers/rawServer';

const fed = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';

describe('a failing subgraph yields partial data and a coded error, and the gateway keeps serving', () => {
  let healthy: TestSubgraph;
  let garbage: Awaited<ReturnType<typeof startRawServer>>;
  let html500: Awaited<ReturnType<typeof startRawServer>>;
  let slow: Awaited<ReturnType<typeof startRawServer>>;
  let huge: Awaited<ReturnType<typeof startRawServer>>;
  let gateway: TestGateway;
  // The same subgraphs behind a production gateway, where subgraph errors are redacted: Junction's own
  // transport messages are not the subgraph's and must survive that.
  let production: TestGateway;
  let gone: { url: string };
  let pendingSlow: Array<() => void> = [];

  beforeAll(async () => {
    healthy = await startTestSubgraph('healthy', `${fed} type Query { ok: String }`, { Query: { ok: () => 'fine' } });
    garbage = await startRawServer((_req, res) => res.end('<<not json at all'));
    html500 = await startRawServer((_req, res) => {
      res.statusCode = 500;
      res.setHeader('content-type', 'text/html');
      res.end('<html>Internal Error at /srv/app/secret.js:12</html>');
    });
    slow = await startRawServer((_req, res) => pendingSlow.push(() => res.end('{"data":{"slow":"late"}}')));
    huge = await startRawServer((_req, res) => res.end(JSON.stringify({ data: { huge: 'x'.repeat(5000) } })));
    // A port this test owned and released: nothing listens there any more.
    const released = await startRawServer((_req, res) => res.end());
    await released.stop();
    gone = released;
    const all = [
      healthy,
      { name: 'garbage', url: garbage.url, sdl: `${fed} type Query { garbage: String }` },
      { name: 'html500', url: html500.url, sdl: `${fed} type Query { broken: String }` },
      { name: 'slow', url: slow.url, sdl: `${fed} type Query { slow: String }` },
      { name: 'huge', url: huge.url, sdl: `${fed} type Query { huge: String }` },
      { name: 'down', url: gone.url, sdl: `${fed} type Query { down: String }` },
    ];
    const yaml = 'subgraphs:\n  slow:\n    timeoutMs: 300\n  huge:\n    maxResponseBytes: 1000\n';
    gateway = await startGatewayFor(all, yaml);
    production = await startGatewayFor(all, yaml, { NODE_ENV: 'production' });
  });
  afterAll(async () => {
    for (const release of pendingSlow) release();
    await gateway.stop();
    await production.stop();
    await Promise.all([healthy.stop(), garbage.stop(), html500.stop(), slow.stop(), huge.stop()]);
  });

  const cases: Array<[string, string, string, string]> = [
    ['a subgraph nothing listens on', 'down', 'SUBGRAPH_UNAVAILABLE', 'Subgraph "down" is unavailable.'],
    ['a subgraph answering a body that is not JSON', 'garbage', 'SUBGRAPH_BAD_RESPONSE', 'Subgraph "garbage" returned an invalid response.'],
    ['a subgraph answering HTTP 500 with HTML', 'broken', 'SUBGRAPH_UNAVAILABLE', 'Subgraph "html500" is unavailable (HTTP 500).'],
    ['a subgraph slower than its timeoutMs', 'slow', 'GATEWAY_TIMEOUT', 'Subgraph "slow" did not answer within 300 ms.'],
    ['a subgraph answering more than maxResponseBytes', 'huge', 'SUBGRAPH_RESPONSE_TOO_LARGE', 'Subgraph "huge" returned a response larger than 1000 bytes.'],
  ];

  it.each(cases)('%s', async (_title, field, code, message) => {
    const prod = await production.post(`{ ok ${field} }`);
    expect(prod.body.errors?.[0]).toMatchObject({ message, extensions: { code } });
    const res = await gateway.post(`{ ok ${field} }`);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ ok: 'fine', [field]: null });
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors?.[0]?.message).toBe(message);
    expect(res.body.errors?.[0]?.extensions?.code).toBe(code);
    // Nothing about where the subgraph lives or what it said leaks to the client.
    const text = JSON.stringify(res.body);
    expect(text).not.toMatch(/127\.0\.0\.1|:\d{2,5}\/|secret\.js|not json|stack/i);
  });

  it('still answers healthy queries after all of those', async () => {
    const res = await gateway.post('{ ok }');
    expect(res.body).toEqual({ data: { ok: 'fine' } });
  });
});
