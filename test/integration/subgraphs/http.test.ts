import { startSubgraph, type RunningSubgraph } from '../../../subgraphs';
import { postGraphQL } from './helpers';

describe('subgraph HTTP serving', () => {
  let accounts: RunningSubgraph;

  beforeAll(async () => {
    accounts = await startSubgraph('accounts', { port: 0, maxBodyBytes: 4096 });
  });
  afterAll(() => accounts.stop());

  it('answers 404 outside /graphql', async () => {
    const res = await fetch(new URL('/', accounts.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ errors: [{ message: 'Not found: GraphQL is served at /graphql' }] });
  });

  it('serves GET queries that carry a preflight-forcing header', async () => {
    const url = new URL(accounts.url);
    url.searchParams.set('query', '{ user(id: "1") { id } }');
    const res = await fetch(url, { headers: { 'apollo-require-preflight': 'true' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { user: { id: '1' } } });
  });

  it('keeps CSRF prevention: a simple text/plain POST is refused', async () => {
    const res = await fetch(accounts.url, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ query: '{ me { id } }' }),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('CSRF');
  });

  it('shows no landing page to browsers', async () => {
    const res = await fetch(accounts.url, { headers: { accept: 'text/html' } });
    expect(res.headers.get('content-type') ?? '').not.toContain('text/html');
    expect(await res.text()).not.toContain('<html');
  });

  it('refuses bodies over the size limit with 413', async () => {
    const query = `{ me { id } } # ${'x'.repeat(8192)}`;
    const res = await postGraphQL(accounts.url, query);
    expect(res.status).toBe(413);
    expect(res.errors?.[0]?.extensions?.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses a chunked body once it grows past the limit', async () => {
    const chunk = new TextEncoder().encode(' '.repeat(1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 8) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body, duplex: 'half' };
    const res = await fetch(accounts.url, init as RequestInit);
    expect(res.status).toBe(413);
  });

  it('still serves requests after refusing one', async () => {
    const res = await postGraphQL<{ user: { id: string } }>(accounts.url, '{ user(id: "1") { id } }');
    expect(res.data).toEqual({ user: { id: '1' } });
  });

  it('answers 400 to a body that is not JSON', async () => {
    const res = await fetch(accounts.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ errors: [{ extensions: { code: 'BAD_REQUEST' } }] });
  });
});

describe('stopping a subgraph', () => {
  it('closes the port, even with an idle keep-alive connection open, and can be called twice', async () => {
    const products = await startSubgraph('products', { port: 0 });
    const ok = await postGraphQL<{ product: { upc: string } }>(products.url, '{ product(upc: "1") { upc } }');
    expect(ok.data).toEqual({ product: { upc: '1' } });

    await products.stop();
    await products.stop();
    await expect(fetch(products.url, { method: 'POST' })).rejects.toThrow();
  });

  it('reports a port that is already taken, naming the subgraph', async () => {
    const first = await startSubgraph('inventory', { port: 0 });
    try {
      await expect(startSubgraph('inventory', { port: first.port })).rejects.toThrow(
        `inventory: cannot listen on 127.0.0.1:${first.port}: address already in use`,
      );
    } finally {
      await first.stop();
    }
  });

  it('rejects an unknown subgraph name with the valid ones', async () => {
    await expect(startSubgraph('shipping' as never)).rejects.toThrow(
      'Unknown subgraph "shipping"; valid names: accounts, inventory, products, reviews',
    );
  });
});
