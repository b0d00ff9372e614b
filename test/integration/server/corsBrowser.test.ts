import { SignJWT } from 'jose';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromium, startPage } from '../../helpers/browser';
import { startTestSubgraph, type TestSubgraph } from '../../helpers/subgraph';
import { startGatewayFor, type TestGateway } from '../../helpers/gateway';

/**
 * CORS as a browser enforces it: a real headless Chromium loads a page from another origin (another port)
 * and calls the gateway with fetch(). What the page sees is what a frontend app sees.
 */

const fed = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';
const SECRET = 'a-browser-test-secret-at-least-32-bytes-long';

/** What fetch() gave the page: an answer it may read, or the network error a CORS refusal looks like. */
type Outcome =
  | { ok: true; status: number; body: { data?: Record<string, unknown> | null; errors?: Array<{ extensions?: { code?: string } }> }; headers: Record<string, string | null> }
  | { ok: false; error: string };

async function fetchFrom(page: Page, url: string, query: string, credentials: 'omit' | 'include'): Promise<Outcome> {
  return page.evaluate(
    async ({ url, query, credentials }) => {
      try {
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }), credentials });
        const headers: Record<string, string | null> = {};
        for (const name of ['retry-after', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'x-request-id']) headers[name] = res.headers.get(name);
        return { ok: true as const, status: res.status, body: (await res.json()) as Extract<Outcome, { ok: true }>['body'], headers };
      } catch (err) {
        return { ok: false as const, error: `${(err as Error).name}: ${(err as Error).message}` };
      }
    },
    { url, query, credentials },
  );
}

describe('CORS in a real browser (headless Chromium)', () => {
  let subgraph: TestSubgraph;
  let allowedPage: Awaited<ReturnType<typeof startPage>>;
  let otherPage: Awaited<ReturnType<typeof startPage>>;
  /** The allowed page's origin, with credentials; the token may come in the `session` cookie. */
  let credentialed: TestGateway;
  /** The same origin allowed, credentials not. */
  let uncredentialed: TestGateway;
  /** One request per client and window. */
  let limited: TestGateway;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let context: BrowserContext;
  let fromAllowed: Page;
  let fromOther: Page;

  beforeAll(async () => {
    subgraph = await startTestSubgraph(
      's',
      `${fed} type Query { hello: String me: String }`,
      { Query: { hello: () => 'hi', me: (_: unknown, __: unknown, context: unknown) => (context as { claims?: { sub?: string } }).claims?.sub ?? null } },
      { context: (body) => ({ claims: (body as { extensions?: { jwt?: { payload?: unknown } } }).extensions?.jwt?.payload }) },
    );
    allowedPage = await startPage();
    otherPage = await startPage();
    const auth = `auth:\n  devKey: false\n  cookie: session\n  algorithms: [HS256]\n  secrets:\n    - secret: "${SECRET}"\n`;
    credentialed = await startGatewayFor([subgraph], `cors:\n  origins: [${allowedPage.origin}]\n  allowCredentials: true\n${auth}`);
    uncredentialed = await startGatewayFor([subgraph], `cors:\n  origins: [${allowedPage.origin}]\n${auth}`);
    limited = await startGatewayFor([subgraph], `cors:\n  origins: [${allowedPage.origin}]\nrateLimit:\n  enabled: true\n  clientKey: [ip]\n  perClient:\n    requests: 1\n`);

    browser = await launchChromium();
    context = browser.context;
    // Cookies are per host, not per port: the gateways on 127.0.0.1 all get it when credentials are included.
    const token = await new SignJWT({ sub: 'browser-user' }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime('5m').sign(new TextEncoder().encode(SECRET));
    await context.addCookies([{ name: 'session', value: token, url: credentialed.url }]);
    fromAllowed = await context.newPage();
    await fromAllowed.goto(allowedPage.origin);
    fromOther = await context.newPage();
    await fromOther.goto(otherPage.origin);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await Promise.all([credentialed?.stop(), uncredentialed?.stop(), limited?.stop()]);
    await Promise.all([allowedPage?.stop(), otherPage?.stop(), subgraph?.stop()]);
  });
  beforeEach(() => {
    subgraph.requests.length = 0;
  });

  it('lets a page on an allowed origin read the data', async () => {
    const outcome = await fetchFrom(fromAllowed, credentialed.url, '{ hello me }', 'omit');
    expect(outcome).toMatchObject({ ok: true, status: 200, body: { data: { hello: 'hi', me: null } } });
  });

  it('blocks a page on another origin: it sees a network error, and the request never reaches a subgraph', async () => {
    const outcome = await fetchFrom(fromOther, credentialed.url, '{ hello }', 'omit');
    expect(outcome).toEqual({ ok: false, error: 'TypeError: Failed to fetch' });
    expect(subgraph.requests).toHaveLength(0);
  });

  it('sends the cookie and reads the answer where credentials are allowed', async () => {
    const outcome = await fetchFrom(fromAllowed, credentialed.url, '{ me }', 'include');
    expect(outcome).toMatchObject({ ok: true, status: 200, body: { data: { me: 'browser-user' } } });
  });

  it('refuses a credentialed request where credentials are not allowed (the same request without them works)', async () => {
    expect(await fetchFrom(fromAllowed, uncredentialed.url, '{ me }', 'include')).toEqual({ ok: false, error: 'TypeError: Failed to fetch' });
    expect(subgraph.requests).toHaveLength(0);
    expect(await fetchFrom(fromAllowed, uncredentialed.url, '{ me }', 'omit')).toMatchObject({ ok: true, status: 200, body: { data: { me: null } } });
  });

  it('lets the page read a 429: its status, code, Retry-After and the RateLimit headers', async () => {
    const first = await fetchFrom(fromAllowed, limited.url, '{ hello }', 'omit');
    expect(first).toMatchObject({ ok: true, status: 200, headers: { 'ratelimit-limit': '1', 'ratelimit-remaining': '0' } });
    const refused = await fetchFrom(fromAllowed, limited.url, '{ hello }', 'omit');
    expect(refused).toMatchObject({ ok: true, status: 429, body: { errors: [{ extensions: { code: 'RATE_LIMITED' } }] }, headers: { 'ratelimit-limit': '1', 'ratelimit-remaining': '0' } });
    if (!refused.ok) return;
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers['ratelimit-reset'])).toBeGreaterThanOrEqual(1);
    expect(refused.headers['x-request-id']).toMatch(/\S/);
  });
});
