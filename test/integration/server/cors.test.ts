import { request, type IncomingHttpHeaders } from 'node:http';
import { SignJWT } from 'jose';
import { loadConfig } from '../../../src/config';
import { createLogger } from '../../../src/observability';
import { startJunction, type Junction } from '../../../src/server';
import { startTestSubgraph, type TestSubgraph } from '../../helpers/subgraph';
import { startGatewayFor, testConfig, writeTemp, type TestGateway } from '../../helpers/gateway';

const fed = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';
const SECRET = 'a-cors-test-secret-that-is-at-least-32-bytes!';
const ADMIN_TOKEN = 'cors-test-admin-token-0123456789-abcdef';
const SANDBOX = 'https://studio.apollographql.com';
const APP = 'http://localhost:3000';
const EVIL = 'https://evil.example.net';
const EXPOSED = 'RateLimit-Limit,RateLimit-Remaining,RateLimit-Reset,Retry-After,x-request-id';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** One HTTP exchange through node:http (any header, including Origin, goes out exactly as given). */
function call(url: string, method: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    // Host and the body's framing first: a flood of headers must not push them past server.maxHeaders.
    const framing = { host: new URL(url).host, ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)), 'content-type': 'application/json' }) };
    const req = request(url, { method, headers: { ...framing, ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const preflight = (url: string, origin: string, requestHeaders = 'content-type') =>
  call(url, 'OPTIONS', { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': requestHeaders });
const post = (url: string, origin: string | undefined, body: unknown, headers: Record<string, string> = {}) =>
  call(url, 'POST', { ...(origin ? { origin } : {}), ...headers }, typeof body === 'string' ? body : JSON.stringify(body));
const varyOf = (answer: Answer) => String(answer.headers.vary ?? '').split(',').map((v) => v.trim().toLowerCase()).filter((v) => v !== '');
const codeOf = (answer: Answer) => (JSON.parse(answer.text) as { errors?: Array<{ extensions?: { code?: string } }> }).errors?.[0]?.extensions?.code;
const sign = (sub: string) =>
  new SignJWT({ sub }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime('5m').sign(new TextEncoder().encode(SECRET));

describe('CORS on /graphql', () => {
  let subgraph: TestSubgraph;
  /** Defaults: only Apollo Sandbox's origin. */
  let sandboxOnly: TestGateway;
  /** A frontend's origin and a pattern, with credentials, auth required, one request per client, small limits. */
  let app: TestGateway;
  let any: TestGateway;

  beforeAll(async () => {
    subgraph = await startTestSubgraph('s', `${fed} type Query { hello: String }`, { Query: { hello: () => 'hi' } });
    sandboxOnly = await startGatewayFor([subgraph]);
    app = await startGatewayFor(
      [subgraph],
      [
        'cors:',
        `  origins: [${APP}]`,
        '  matchOrigins: ["https://[a-z]+\\\\.example\\\\.com"]',
        '  allowCredentials: true',
        'auth:',
        '  devKey: false',
        '  require: true',
        '  algorithms: [HS256]',
        '  secrets:',
        `    - secret: "${SECRET}"`,
        'server:',
        '  maxBodyBytes: 2000',
        'limits:',
        '  maxDepth: 2',
        'rateLimit:',
        '  enabled: true',
        '  clientKey: [sub]',
        '  perClient:',
        '    requests: 1',
        '',
      ].join('\n'),
    );
    any = await startGatewayFor([subgraph], 'cors:\n  allowAny: true\n  allowHeaders: [content-type, authorization]\n  exposeHeaders: []\n  maxAgeSec: 0\n');
  });
  afterAll(async () => {
    await Promise.all([sandboxOnly.stop(), app.stop(), any.stop()]);
    await subgraph.stop();
  });
  beforeEach(() => {
    subgraph.requests.length = 0;
  });

  it('answers a preflight from Apollo Sandbox by default: 204, the origin echoed, the request headers mirrored', async () => {
    const res = await preflight(sandboxOnly.url, SANDBOX, 'content-type,x-custom');
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(res.headers['access-control-allow-origin']).toBe(SANDBOX);
    expect(res.headers['access-control-allow-methods']).toBe('GET,POST,OPTIONS');
    expect(res.headers['access-control-allow-headers']).toBe('content-type,x-custom');
    expect(res.headers['access-control-max-age']).toBe('600');
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    expect(varyOf(res)).toEqual(expect.arrayContaining(['origin', 'access-control-request-headers']));
    expect(subgraph.requests).toHaveLength(0);
  });

  it('gives an origin that is not allowed no Access-Control-Allow-Origin, on the preflight and on the answer, and still varies on Origin', async () => {
    const pre = await preflight(sandboxOnly.url, APP);
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBeUndefined();
    expect(varyOf(pre)).toContain('origin');
    const res = await post(sandboxOnly.url, APP, { query: '{ hello }' });
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(varyOf(res)).toContain('origin');
  });

  it('echoes an allowed origin on POST and GET answers, with Vary: Origin and the exposed headers', async () => {
    const res = await post(sandboxOnly.url, SANDBOX, { query: '{ hello }' });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ data: { hello: 'hi' } });
    expect(res.headers['access-control-allow-origin']).toBe(SANDBOX);
    expect(res.headers['access-control-expose-headers']).toBe(EXPOSED);
    expect(varyOf(res)).toContain('origin');
    const get = await call(`${sandboxOnly.url}?query=${encodeURIComponent('{ hello }')}`, 'GET', { origin: SANDBOX, 'apollo-require-preflight': 'true' });
    expect(get.status).toBe(200);
    expect(get.headers['access-control-allow-origin']).toBe(SANDBOX);
    expect(varyOf(get)).toContain('origin');
  });

  it('answers an answer without Origin with Vary: Origin and no Access-Control-Allow-Origin (a shared cache keeps them apart)', async () => {
    const res = await post(sandboxOnly.url, undefined, { query: '{ hello }' });
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(varyOf(res)).toContain('origin');
  });

  it('answers preflights before authentication, limits and rate limits: never 401 or 429, nothing spent, no subgraph called', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await preflight(app.url, APP, 'content-type,authorization');
      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe(APP);
      expect(res.headers['access-control-allow-credentials']).toBe('true');
      expect(res.headers['ratelimit-limit']).toBeUndefined();
    }
    // The client's single request of the window is still unspent.
    const ok = await post(app.url, APP, { query: '{ hello }' }, { authorization: `Bearer ${await sign('preflighter')}` });
    expect(ok.status).toBe(200);
    expect(subgraph.requests).toHaveLength(1);
  });

  it('matches matchOrigins against the whole origin', async () => {
    expect((await preflight(app.url, 'https://shop.example.com')).headers['access-control-allow-origin']).toBe('https://shop.example.com');
    expect((await preflight(app.url, 'https://shop.example.com.evil.net')).headers['access-control-allow-origin']).toBeUndefined();
    expect((await preflight(app.url, 'http://shop.example.com')).headers['access-control-allow-origin']).toBeUndefined();
  });

  const refusals: Array<[string, number, string, () => Promise<Answer>]> = [
    ['400 on a body that is not JSON', 400, 'BAD_REQUEST', async () => post(app.url, APP, '{"query": ', { authorization: `Bearer ${await sign('u-json')}` })],
    ['400 on an operation over a limit', 400, 'MAX_DEPTH_LIMIT', async () => post(app.url, APP, { query: '{ a { b { c { d } } } }' }, { authorization: `Bearer ${await sign('u-depth')}` })],
    ['401 without a token', 401, 'UNAUTHENTICATED', async () => post(app.url, APP, { query: '{ hello }' })],
    ['413 on a body over maxBodyBytes', 413, 'PAYLOAD_TOO_LARGE', async () => post(app.url, APP, { query: `{ hello } # ${'x'.repeat(3000)}` })],
    [
      '429 over the rate limit, with Retry-After',
      429,
      'RATE_LIMITED',
      async () => {
        const authorization = `Bearer ${await sign('u-429')}`;
        expect((await post(app.url, APP, { query: '{ hello }' }, { authorization })).status).toBe(200);
        return post(app.url, APP, { query: '{ hello }' }, { authorization });
      },
    ],
    ['431 on a header flood', 431, 'REQUEST_HEADER_FIELDS_TOO_LARGE', async () => post(app.url, APP, { query: '{ hello }' }, Object.fromEntries(Array.from({ length: 120 }, (_, i) => [`x-h${i}`, '1'])))],
  ];

  it.each(refusals)('puts the CORS headers on a refusal: %s', async (_title, status, code, send) => {
    const res = await send();
    expect(res.status).toBe(status);
    expect(codeOf(res)).toBe(code);
    expect(res.headers['access-control-allow-origin']).toBe(APP);
    expect(res.headers['access-control-allow-credentials']).toBe('true');
    expect(res.headers['access-control-expose-headers']).toBe(EXPOSED);
    expect(varyOf(res)).toContain('origin');
    if (status === 429) expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('with allowAny answers *, without Vary: Origin, and with a fixed allowHeaders list does not mirror', async () => {
    const pre = await preflight(any.url, EVIL, 'content-type,x-custom');
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe('*');
    expect(pre.headers['access-control-allow-headers']).toBe('content-type,authorization');
    expect(pre.headers['access-control-max-age']).toBe('0');
    expect(varyOf(pre)).not.toContain('access-control-request-headers');
    const res = await post(any.url, EVIL, { query: '{ hello }' });
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-expose-headers']).toBeUndefined();
    expect(varyOf(res)).not.toContain('origin');
  });

  it('adds no CORS header to /health', async () => {
    const res = await call(sandboxOnly.url.replace(/\/graphql$/, '/health'), 'GET', { origin: SANDBOX });
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('CORS before a supergraph is loaded', () => {
  let junction: Junction;
  beforeAll(async () => {
    junction = await startJunction({ config: testConfig(), logger: createLogger('silent') });
  });
  afterAll(() => junction.stop());

  it('puts the headers on 503 SCHEMA_NOT_LOADED, and still answers preflights', async () => {
    const res = await post(junction.url, SANDBOX, { query: '{ hello }' });
    expect(res.status).toBe(503);
    expect(codeOf(res)).toBe('SCHEMA_NOT_LOADED');
    expect(res.headers['access-control-allow-origin']).toBe(SANDBOX);
    expect((await preflight(junction.url, SANDBOX)).status).toBe(204);
  });
});

describe('CORS on the admin API', () => {
  let subgraph: TestSubgraph;
  let closed: TestGateway;
  let open: TestGateway;
  const adminPath = (gateway: TestGateway) => gateway.url.replace(/\/graphql$/, '/admin/cache/invalidate');
  const ADMIN_APP = 'https://admin.example.com';

  beforeAll(async () => {
    subgraph = await startTestSubgraph('s', `${fed} type Query { hello: String }`, { Query: { hello: () => 'hi' } });
    const admin = `admin:\n  token:\n    value: ${ADMIN_TOKEN}\n`;
    closed = await startGatewayFor([subgraph], `${admin}cors:\n  origins: [${ADMIN_APP}]\n`);
    open = await startGatewayFor([subgraph], `${admin}  cors:\n    origins: [${ADMIN_APP}]\n`);
  });
  afterAll(async () => {
    await Promise.all([closed.stop(), open.stop()]);
    await subgraph.stop();
  });

  it('stays same-origin only without admin.cors, even for an origin `cors` allows', async () => {
    const pre = await preflight(adminPath(closed), ADMIN_APP);
    expect(pre.status).toBe(405);
    expect(pre.headers['access-control-allow-origin']).toBeUndefined();
    const res = await post(adminPath(closed), ADMIN_APP, { targets: [{ type: 'Product' }] }, { authorization: `Bearer ${ADMIN_TOKEN}` });
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('follows admin.cors when it is set, refusals included', async () => {
    const pre = await preflight(adminPath(open), ADMIN_APP, 'content-type,authorization');
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe(ADMIN_APP);
    expect(pre.headers['access-control-allow-methods']).toBe('GET,POST,DELETE,OPTIONS');
    const refused = await post(adminPath(open), ADMIN_APP, { targets: [] });
    expect(refused.status).toBe(401);
    expect(refused.headers['access-control-allow-origin']).toBe(ADMIN_APP);
    expect((await preflight(adminPath(open), SANDBOX)).headers['access-control-allow-origin']).toBeUndefined();
    // /graphql keeps its own policy (the default: Sandbox only).
    expect((await preflight(open.url, ADMIN_APP)).headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('CORS settings', () => {
  const load = (yaml: string) => loadConfig({ file: writeTemp('gateway.yaml', yaml), env: {} });

  it('defaults to Apollo Router\'s: Sandbox only, no credentials; admin.cors off', () => {
    const result = loadConfig({ env: {} });
    if (!result.ok) throw new Error(result.problems.join('\n'));
    expect(result.value.cors).toEqual({
      origins: [SANDBOX],
      matchOrigins: [],
      allowAny: false,
      allowCredentials: false,
      allowHeaders: [],
      exposeHeaders: ['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'Retry-After', 'x-request-id'],
      methods: ['GET', 'POST', 'OPTIONS'],
      maxAgeSec: 600,
    });
    expect(result.value.admin.cors).toBeUndefined();
  });

  it('refuses allowAny with allowCredentials, naming the line', () => {
    const result = load('cors:\n  allowAny: true\n  allowCredentials: true\n');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatch(/gateway\.yaml:3: `cors\.allowCredentials`: allowCredentials cannot be combined with allowAny .*$/);
  });

  it('refuses the same combination under admin.cors, and "*" lists with credentials', () => {
    const result = load('admin:\n  cors:\n    allowAny: true\n    allowCredentials: true\ncors:\n  origins: [http://localhost:3000]\n  allowCredentials: true\n  allowHeaders: ["*"]\n');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.join('\n')).toMatch(/gateway\.yaml:4: `admin\.cors\.allowCredentials`: allowCredentials cannot be combined with allowAny/);
    expect(result.problems.join('\n')).toMatch(/gateway\.yaml:8: `cors\.allowHeaders`: "\*" cannot be combined with allowCredentials/);
  });

  it.each([['http://localhost:3000/'], ['http://localhost:3000/app'], ['*'], ['localhost:3000'], ['HTTPS://App.example.com']])('refuses %s as an origin', (value) => {
    const result = load(`cors:\n  origins: ["${value}"]\n`);
    expect(result.ok ? 'ok' : result.problems.join('\n')).toMatch(/gateway\.yaml:2: `cors\.origins\.0`: not an origin: write scheme:\/\/host\[:port\]/);
  });

  it('refuses a matchOrigins entry that is not a regular expression', () => {
    const result = load('cors:\n  matchOrigins: ["https://(unclosed"]\n');
    expect(result.ok ? 'ok' : result.problems.join('\n')).toContain('`cors.matchOrigins.0`: not a valid regular expression');
  });
});
