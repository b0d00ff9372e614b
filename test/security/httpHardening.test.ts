import { connect } from 'node:net';
import { composeSubgraphs } from '../../src/composition';
import { startJunction } from '../../src/server';
import { startTestSubgraph, type TestSubgraph } from '../helpers/subgraph';
import { postGraphQL, startGatewayFor, testConfig, type TestGateway } from '../helpers/gateway';
import { captureLogs } from '../helpers/logCapture';
import { waitFor } from '../helpers/waitFor';

const fed = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';
const ADMIN_TOKEN = 'test-admin-token-0123456789-abcdefghij';
const QUERY = '{ topProducts { name } }';
const SERVED = { data: { topProducts: [{ name: 'Table' }] } };

/** `[[…[]…]]`: `levels` nested lists. */
const nested = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;

async function post(url: string, body: string, contentType = 'application/json'): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body });
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    return { status: res.status, body: text };
  }
}

const codeOf = (res: { body: any }): unknown => res.body?.errors?.[0]?.extensions?.code;

/** One raw HTTP/1.1 exchange: writes `head`, then each body part after `gapMs`; resolves with what the server sent once it closes the connection or ends a response. */
function rawExchange(url: string, head: string, parts: string[], gapMs = 0): Promise<{ text: string; closed: boolean; elapsedMs: number }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(Number(port), hostname);
    let text = '';
    let timer: NodeJS.Timeout | undefined;
    const send = (i: number) => {
      if (i >= parts.length || socket.destroyed) return;
      socket.write(parts[i] as string);
      timer = setTimeout(() => send(i + 1), gapMs);
    };
    socket.on('connect', () => {
      socket.write(head);
      send(0);
    });
    socket.on('data', (chunk) => (text += chunk.toString('utf8')));
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text, closed: true, elapsedMs: Date.now() - started });
    });
  });
}

/** Like startGatewayFor, with the gateway's log lines kept for the test to read. */
async function startLogged(subgraph: TestSubgraph, yaml: string, level = 'info'): Promise<TestGateway & { logs: Array<Record<string, unknown>> }> {
  const composed = composeSubgraphs([subgraph]);
  if (!composed.ok) throw new Error('composition failed');
  const { logger, lines } = captureLogs(level);
  const junction = await startJunction({ config: testConfig(yaml), supergraph: { sdl: composed.supergraphSdl }, logger });
  await junction.ready;
  return { junction, url: junction.url, logs: lines, post: (query, variables) => postGraphQL(junction.url, { query, variables }), stop: () => junction.stop() };
}

const errorLines = (logs: Array<Record<string, unknown>>) => logs.filter((line) => typeof line.level === 'number' && line.level >= 50);

describe('HTTP hardening (security review, issue 14)', () => {
  let subgraph: TestSubgraph;
  let gateway: TestGateway & { logs: Array<Record<string, unknown>> };

  beforeAll(async () => {
    subgraph = await startTestSubgraph('products', `${fed} type Query { topProducts: [Product] } type Product { name: String }`, {
      Query: { topProducts: () => [{ name: 'Table' }] },
    });
    gateway = await startLogged(subgraph, 'cache:\n  response:\n    enabled: true\nlimits:\n  batching:\n    enabled: true\n');
  });
  afterAll(async () => {
    await gateway.stop();
    await subgraph.stop();
  });

  describe('variables are bounded before any work (finding 5)', () => {
    it('answers the 300000-deep variables of the finding with 400 VARIABLES_TOO_DEEP, not 500, and keeps serving', async () => {
      const body = `{"query":${JSON.stringify(QUERY)},"variables":{"x":${nested(300_000)}}}`;
      const res = await post(gateway.url, body);
      expect(res).toEqual({ status: 400, body: { errors: [{ message: 'Variables nest deeper than limits.variables.maxDepth (64).', extensions: { code: 'VARIABLES_TOO_DEEP' } }] } });
      const next = await gateway.post(QUERY);
      expect({ status: next.status, body: next.body }).toEqual({ status: 200, body: SERVED });
      expect(errorLines(gateway.logs)).toEqual([]);
    });

    it('serves variables nested exactly maxDepth (64) deep and refuses one level more', async () => {
      const atBound = await post(gateway.url, `{"query":${JSON.stringify(QUERY)},"variables":{"x":${nested(64)}}}`);
      expect(atBound).toEqual({ status: 200, body: SERVED });
      const over = await post(gateway.url, `{"query":${JSON.stringify(QUERY)},"variables":{"x":${nested(65)}}}`);
      expect(over.status).toBe(400);
      expect(codeOf(over)).toBe('VARIABLES_TOO_DEEP');
    });

    it('bounds the number of values in the variables (limits.variables.maxValues, 10000)', async () => {
      // The list counts as one value, its items one each.
      const atBound = await post(gateway.url, JSON.stringify({ query: QUERY, variables: { x: new Array(9_999).fill(0) } }));
      expect(atBound).toEqual({ status: 200, body: SERVED });
      const over = await post(gateway.url, JSON.stringify({ query: QUERY, variables: { x: new Array(10_000).fill(0) } }));
      expect(over).toEqual({ status: 400, body: { errors: [{ message: 'Variables hold more than limits.variables.maxValues (10000) values.', extensions: { code: 'VARIABLES_TOO_LARGE' } }] } });
    });

    it("checks GET's variables parameter", async () => {
      const get = (levels: number) =>
        fetch(`${gateway.url}?query=${encodeURIComponent(QUERY)}&variables=${encodeURIComponent(`{"x":${nested(levels)}}`)}`, { headers: { 'apollo-require-preflight': '1' } }).then(async (r) => ({
          status: r.status,
          body: (await r.json()) as any,
        }));
      expect(await get(64)).toEqual({ status: 200, body: SERVED });
      const over = await get(65);
      expect(over.status).toBe(400);
      expect(codeOf(over)).toBe('VARIABLES_TOO_DEEP');
    });

    it('checks every operation of a batch', async () => {
      subgraph.requests.length = 0;
      const res = await post(gateway.url, `[{"query":${JSON.stringify(QUERY)}},{"query":${JSON.stringify(QUERY)},"variables":{"x":${nested(10_000)}}}]`);
      expect(res.status).toBe(400);
      expect(codeOf(res)).toBe('VARIABLES_TOO_DEEP');
      expect(subgraph.requests).toHaveLength(0);
    });
  });

  describe('only UTF-8 JSON bodies (finding 8)', () => {
    it.each(['utf-7', 'iso-8859-1', 'UTF-16'])('answers application/json; charset=%s with 415 UNSUPPORTED_MEDIA_TYPE', async (charset) => {
      const res = await post(gateway.url, JSON.stringify({ query: QUERY }), `application/json; charset=${charset}`);
      expect(res).toEqual({ status: 415, body: { errors: [{ message: `Unsupported charset "${charset.toLowerCase()}": GraphQL requests are UTF-8 JSON.`, extensions: { code: 'UNSUPPORTED_MEDIA_TYPE' } }] } });
    });

    it('refuses application/graphql-response+json with another charset too', async () => {
      const res = await post(gateway.url, JSON.stringify({ query: QUERY }), 'application/graphql-response+json;charset="iso-8859-1"');
      expect(res.status).toBe(415);
      expect(codeOf(res)).toBe('UNSUPPORTED_MEDIA_TYPE');
    });

    it.each(['application/json', 'application/json; charset=UTF-8', 'application/json;charset=utf8', 'application/json; charset="utf-8"'])('serves %s', async (contentType) => {
      expect(await post(gateway.url, JSON.stringify({ query: QUERY }), contentType)).toEqual({ status: 200, body: SERVED });
    });
  });

  describe('request header count (finding 9)', () => {
    const withHeaders = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`x-flood-${i}`, '1']));

    it('answers 500 headers with 431 REQUEST_HEADER_FIELDS_TOO_LARGE', async () => {
      const res = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', ...withHeaders(500) }, body: JSON.stringify({ query: QUERY }) });
      expect(res.status).toBe(431);
      expect(await res.json()).toEqual({ errors: [{ message: 'More than 100 request headers (server.maxHeaders).', extensions: { code: 'REQUEST_HEADER_FIELDS_TOO_LARGE' } }] });
    });

    it('serves a request with 90 headers', async () => {
      const res = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', ...withHeaders(90) }, body: JSON.stringify({ query: QUERY }) });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual(SERVED);
    });

    it('bounds the header count on every path, not only /graphql', async () => {
      const res = await fetch(gateway.url.replace(/\/graphql$/, '/health'), { headers: withHeaders(500) });
      expect(res.status).toBe(431);
    });
  });

  describe('body idle timeout (finding 10)', () => {
    let slow: TestGateway & { logs: Array<Record<string, unknown>> };
    beforeAll(async () => {
      slow = await startLogged(subgraph, `server:\n  bodyIdleTimeoutMs: 300\n  maxBodyBytes: 2000\nadmin:\n  token:\n    value: ${ADMIN_TOKEN}\n`, 'debug');
    });
    afterAll(() => slow.stop());

    const head = (url: string, extra: string) => `POST /graphql HTTP/1.1\r\nHost: ${new URL(url).host}\r\nContent-Type: application/json\r\n${extra}\r\n`;

    it('answers 408 REQUEST_TIMEOUT and closes the connection when the body stops arriving', async () => {
      const body = JSON.stringify({ query: QUERY });
      const res = await rawExchange(slow.url, head(slow.url, `Content-Length: ${body.length}\r\n`), [body.slice(0, 10)]);
      expect(res.text).toMatch(/^HTTP\/1\.1 408 /);
      expect(res.text).toMatch(/\r\nconnection: close\r\n/i);
      expect(JSON.parse(res.text.slice(res.text.indexOf('\r\n\r\n') + 4))).toEqual({
        errors: [{ message: 'No byte of the request body arrived for 300 ms (server.bodyIdleTimeoutMs).', extensions: { code: 'REQUEST_TIMEOUT' } }],
      });
      expect(res.closed).toBe(true);
      // Well before the whole-request deadline (server.requestTimeoutMs, 60 s).
      expect(res.elapsedMs).toBeLessThan(10_000);
    });

    it('also when not a single byte of the body comes (chunked)', async () => {
      const res = await rawExchange(slow.url, head(slow.url, 'Transfer-Encoding: chunked\r\n'), []);
      expect(res.text).toMatch(/^HTTP\/1\.1 408 /);
    });

    it('times out a stalled body on the admin API too', async () => {
      const adminHead = `POST /admin/cache/invalidate HTTP/1.1\r\nHost: ${new URL(slow.url).host}\r\nContent-Type: application/json\r\nAuthorization: Bearer ${ADMIN_TOKEN}\r\nContent-Length: 100\r\n\r\n`;
      const res = await rawExchange(slow.url, adminHead, ['{"targets":']);
      expect(res.text).toMatch(/^HTTP\/1\.1 408 /);
      expect(res.text).toContain('"code":"REQUEST_TIMEOUT"');
    });

    it('serves a slow body whose bytes keep coming (the timer restarts on every chunk)', async () => {
      const body = JSON.stringify({ query: QUERY });
      const parts = Array.from({ length: 6 }, (_, i) => body.slice((i * body.length) / 6, ((i + 1) * body.length) / 6));
      // Six parts 100 ms apart: 500 ms in all, longer than the 300 ms idle timeout, never idle that long.
      const res = await rawExchange(slow.url, head(slow.url, `Content-Length: ${body.length}\r\nConnection: close\r\n`), parts, 100);
      expect(res.text).toMatch(/^HTTP\/1\.1 200 /);
      expect(JSON.parse(res.text.slice(res.text.indexOf('\r\n\r\n') + 4))).toEqual(SERVED);
      expect(res.elapsedMs).toBeGreaterThanOrEqual(450);
    });

    it('answers a chunked body over maxBodyBytes with 413 and closes the connection', async () => {
      const chunk = 'x'.repeat(1500);
      const res = await rawExchange(slow.url, head(slow.url, 'Transfer-Encoding: chunked\r\n'), [`${chunk.length.toString(16)}\r\n${chunk}\r\n`, `${chunk.length.toString(16)}\r\n${chunk}\r\n`]);
      expect(res.text).toMatch(/^HTTP\/1\.1 413 /);
      expect(res.text).toContain('"code":"PAYLOAD_TOO_LARGE"');
    });

    it('lets a client leave mid-body without an error in the log, and keeps serving', async () => {
      const { hostname, port } = new URL(slow.url);
      const socket = connect(Number(port), hostname);
      await new Promise<void>((resolve) => socket.on('connect', resolve));
      socket.write(`${head(slow.url, 'Content-Length: 100\r\n')}{"query":`);
      socket.destroy();
      await waitFor(() => slow.logs.find((line) => line.msg === 'the client closed the connection before the whole request body arrived'), 'the gateway to see the client leave');
      expect((await slow.post(QUERY)).status).toBe(200);
      expect(errorLines(slow.logs)).toEqual([]);
    });
  });
});
