import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SUBGRAPH_DEFAULTS } from '../../../src/config';
import { SubgraphFailureLog } from '../../../src/gateway';
import { SubgraphClient } from '../../../src/gateway/subgraphClient';
import { captureLogs } from '../../helpers/logCapture';

/** A subgraph that answers every request the same way. */
async function answering(handle: (res: import('node:http').ServerResponse) => void): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => handle(res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, server };
}

function clientFor(url: string, failures: SubgraphFailureLog, settings: Partial<typeof SUBGRAPH_DEFAULTS> = {}): SubgraphClient {
  return new SubgraphClient('inventory', url, { ...SUBGRAPH_DEFAULTS, retries: { ...SUBGRAPH_DEFAULTS.retries, attempts: 0 }, ...settings, failures });
}

describe('subgraph failures in the operator log', () => {
  const servers: Server[] = [];
  afterAll(() => servers.forEach((s) => s.close()));

  it.each([
    ['a refused connection', async () => 'http://127.0.0.1:1/graphql', 'connection refused', {}],
    ['an HTTP error status', async () => (await start((res) => res.writeHead(503).end('down'))).url, 'HTTP 503', {}],
    ['invalid JSON', async () => (await start((res) => res.writeHead(200, { 'content-type': 'application/json' }).end('<html>'))).url, 'invalid JSON', {}],
    ['a response too large', async () => (await start((res) => res.writeHead(200).end(`{"data":{"x":"${'a'.repeat(2000)}"}}`))).url, 'response larger than 1024 bytes', { maxResponseBytes: 1024 }],
    ['a timeout', async () => (await start(() => undefined)).url, 'timeout after 100 ms', { timeoutMs: 100 }],
  ])('logs %s with the subgraph, its URL and the cause', async (_name, urlOf, cause, settings) => {
    const { logger, lines } = captureLogs('warn');
    const url = await urlOf();
    const client = clientFor(url, new SubgraphFailureLog(logger), settings);
    const response = await client.send('{"query":"{ x }"}', undefined, { idempotent: true });
    await client.close();
    expect(response.failed).toBe(true);
    expect(lines).toEqual([expect.objectContaining({ level: 40, subgraph: 'inventory', url, cause, count: 1 })]);
  });

  async function start(handle: (res: import('node:http').ServerResponse) => void) {
    const started = await answering(handle);
    servers.push(started.server);
    return started;
  }
});

describe('SubgraphFailureLog', () => {
  it('writes the first failure at once, then at most one line per subgraph and cause per 10 s with the count held back', () => {
    const { logger, lines } = captureLogs('warn');
    let now = 0;
    const timers: Array<{ at: number; run: () => void }> = [];
    const advance = (to: number): void => {
      now = to;
      for (const timer of timers.splice(0).sort((x, y) => x.at - y.at)) {
        if (timer.at <= to) timer.run();
        else timers.push(timer);
      }
    };
    const log = new SubgraphFailureLog(logger, () => now, 10_000, (run, ms) => void timers.push({ at: now + ms, run }));
    const seen = () => lines.map((l) => [l.subgraph, l.cause, l.count]);
    for (let i = 0; i < 5; i++) log.report('inventory', 'http://inventory/graphql', 'connection refused');
    log.report('inventory', 'http://inventory/graphql', 'HTTP 503');
    log.report('reviews', 'http://reviews/graphql', 'connection refused');
    advance(9_999);
    log.report('inventory', 'http://inventory/graphql', 'connection refused');
    expect(seen()).toEqual([
      ['inventory', 'connection refused', 1],
      ['inventory', 'HTTP 503', 1],
      ['reviews', 'connection refused', 1],
    ]);
    // The window is over: the 5 held back are reported even though no failure comes after them.
    advance(10_000);
    expect(seen().slice(3)).toEqual([['inventory', 'connection refused', 5]]);
    // That line opened the next window: a failure now waits for its end.
    log.report('inventory', 'http://inventory/graphql', 'connection refused');
    advance(19_999);
    expect(lines).toHaveLength(4);
    advance(20_000);
    expect(seen().slice(4)).toEqual([['inventory', 'connection refused', 1]]);
    // A window with nothing held back ends quietly; the next failure is written at once.
    advance(40_000);
    log.report('inventory', 'http://inventory/graphql', 'connection refused');
    expect(seen().slice(5)).toEqual([['inventory', 'connection refused', 1]]);
    expect(lines).toHaveLength(6);
  });
});
