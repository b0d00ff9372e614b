import { startTestSubgraph, type TestSubgraph } from '../../helpers/subgraph';
import { startGatewayFor, type TestGateway } from '../../helpers/gateway';

const fed = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';

describe('the HTTP front', () => {
  let subgraph: TestSubgraph;
  let gateway: TestGateway;
  let base: string;

  beforeAll(async () => {
    subgraph = await startTestSubgraph('s', `${fed} type Query { hello(name: String): String } type Mutation { bump: Int }`, {
      Query: { hello: (_: unknown, args: { name?: string }) => `hello ${args.name ?? 'world'}` },
      Mutation: { bump: () => 1 },
    });
    gateway = await startGatewayFor([subgraph], 'server:\n  maxBodyBytes: 2000\n');
    base = gateway.url.replace(/\/graphql$/, '');
  });
  afterAll(async () => {
    await gateway.stop();
    await subgraph.stop();
  });

  it('answers GET /graphql for queries', async () => {
    const res = await fetch(`${gateway.url}?query=${encodeURIComponent('query Q($n: String) { hello(name: $n) }')}&variables=${encodeURIComponent('{"n":"get"}')}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { hello: 'hello get' } });
  });

  it('refuses a mutation over GET with 405', async () => {
    const res = await fetch(`${gateway.url}?query=${encodeURIComponent('mutation { bump }')}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(res.status).toBe(405);
    expect(subgraph.requests.some((r) => r.query.includes('bump'))).toBe(false);
  });

  it('answers 413 with a JSON error for a body over maxBodyBytes', async () => {
    const res = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: `{ hello(name: "${'x'.repeat(3000)}") }` }) });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ errors: [{ message: 'Request body is larger than 2000 bytes.', extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
  });

  it('answers 400 BAD_REQUEST for a body that is not JSON', async () => {
    const res = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ errors: [{ message: 'The request body is not valid JSON.', extensions: { code: 'BAD_REQUEST' } }] });
  });

  it('blocks a simple (CSRF-able) text/plain POST', async () => {
    const res = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ query: 'mutation { bump }' }) });
    expect(res.status).toBe(400);
    expect(subgraph.requests.some((r) => r.query.includes('bump'))).toBe(false);
  });

  it('answers a syntax error with 400 GRAPHQL_PARSE_FAILED', async () => {
    const res = await gateway.post('{ hello(');
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('accepts application/graphql-response+json', async () => {
    const res = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query: '{ hello }' }),
    });
    expect(res.headers.get('content-type')).toContain('application/graphql-response+json');
    expect(await res.json()).toEqual({ data: { hello: 'hello world' } });
  });

  it('answers unknown paths with a JSON 404', async () => {
    const res = await fetch(`${base}/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ errors: [{ message: 'No route for GET /nope.', extensions: { code: 'NOT_FOUND' } }] });
  });

  it('reports health with the active supergraph id', async () => {
    const res = await fetch(`${base}/health`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; supergraph: string; store: unknown };
    expect(body.status).toBe('ok');
    expect(body.supergraph).toMatch(/^[0-9a-f]{64}$/);
    expect(body.store).toEqual({ backend: 'memory', available: true });
  });

  it('serves the Apollo Sandbox landing page to a browser outside production', async () => {
    const res = await fetch(gateway.url, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('embeddable-sandbox');
    expect(html).toContain('initialEndpoint');
  });

  it('says on the landing page how to see plans when Sandbox cannot load (offline)', async () => {
    const html = await (await fetch(gateway.url, { headers: { accept: 'text/html' } })).text();
    const fallback = /<div class="fallback">([\s\S]*?)<\/div>/.exec(html)?.[1] ?? '';
    expect(fallback).toContain('Apollo-Expose-Query-Plan: dry-run');
    expect(fallback).toContain('npx junction plan operation.graphql --supergraph supergraph.yaml');
  });

  it('sends a browser asking for / to the landing page', async () => {
    const root = gateway.url.replace(/\/graphql$/, '/');
    const res = await fetch(root, { headers: { accept: 'text/html,application/xhtml+xml' }, redirect: 'manual' });
    expect([res.status, res.headers.get('location')]).toEqual([302, '/graphql']);
    expect((await fetch(root)).status).toBe(404);
  });

  it('serves no landing page in production', async () => {
    const prod = await startGatewayFor([subgraph], undefined, { NODE_ENV: 'production' });
    try {
      const res = await fetch(prod.url, { headers: { accept: 'text/html' } });
      expect(await res.text()).not.toContain('embeddable-sandbox');
      expect(res.status).toBe(400);
      expect((await fetch(prod.url.replace(/\/graphql$/, '/'), { headers: { accept: 'text/html' }, redirect: 'manual' })).status).toBe(404);
    } finally {
      await prod.stop();
    }
  });

  it('refuses a subscription on a supergraph without a Subscription type with 400, calling no subgraph', async () => {
    const before = subgraph.requests.length;
    const res = await gateway.post('subscription { hello }');
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.body.errors?.[0]?.message).toMatch(/subscription/i);
    expect(subgraph.requests.length).toBe(before);
  });
});
