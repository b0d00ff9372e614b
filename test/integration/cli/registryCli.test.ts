import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../helpers/cli';

const TOKEN = 'admin-secret';
const fed = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';

interface Recorded {
  method: string;
  path: string;
  authorization: string | undefined;
  contentType: string | undefined;
  body: unknown;
}

interface Published {
  name: string;
  url: string;
  sdl: string;
  publishedBy: string;
  publishedAt: string;
}

interface Version {
  version: number;
  supergraph: string;
  createdAt: string;
  action: 'seed' | 'publish' | 'delete' | 'rollback';
  subgraph?: string;
  by: string;
  rolledBackTo?: number;
  subgraphs: string[];
  state: Published[];
}

const breakingCheck = {
  composes: true,
  compositionErrors: [],
  changes: [
    { kind: 'FIELD_REMOVED', coordinate: 'Product.price', breaking: true, description: 'Field "price" was removed from object type "Product"' },
    { kind: 'FIELD_ADDED', coordinate: 'Product.sku', breaking: false, description: 'Field "sku" was added to object type "Product"' },
  ],
  affectedOperations: [
    { name: 'ProductPage', id: 'a1b2c3', source: 'manifest', clientName: 'web', changes: ['Product.price'], errors: ['Cannot query field "price" on type "Product".'] },
    { name: 'Checkout', source: 'traffic', clientName: 'ios', changes: ['Product.price'], errors: [] },
  ],
};

/** The registry admin API as the gateway exposes it (the contract the CLI is written against), in memory. */
class FakeAdminApi {
  requests: Recorded[] = [];
  versions: Version[] = [];
  private server: Server = createServer((req, res) => void this.handle(req, res));
  url = '';

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  reset(): void {
    this.requests = [];
    this.versions = [];
    const accounts = { name: 'accounts', url: 'http://accounts:4001/graphql', sdl: `${fed} type Query { me: String }`, publishedBy: 'seed', publishedAt: '2025-01-01T00:00:00.000Z' };
    this.record('seed', 'seed', [accounts]);
  }

  get current(): Version {
    return this.versions[0]!;
  }

  private record(action: Version['action'], by: string, state: Published[], extra: Partial<Version> = {}): Version {
    const version: Version = {
      version: this.versions.length + 1,
      supergraph: createHash('sha256').update(JSON.stringify(state)).digest('hex'),
      createdAt: new Date(Date.UTC(2025, 0, 1 + this.versions.length)).toISOString(),
      action,
      by,
      subgraphs: state.map((s) => s.name).sort(),
      state,
      ...extra,
    };
    this.versions.unshift(version);
    return version;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let text = '';
    for await (const chunk of req) text += String(chunk);
    const body: unknown = text === '' ? undefined : JSON.parse(text);
    const path = req.url ?? '';
    this.requests.push({ method: req.method ?? '', path, authorization: req.headers.authorization, contentType: req.headers['content-type'], body });
    const send = (status: number, json: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
    };
    const fail = (status: number, code: string, message: string, extensions: object = {}): void => send(status, { errors: [{ message, extensions: { code, ...extensions } }] });
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return fail(401, 'UNAUTHENTICATED', 'Unauthenticated: the admin token is not valid.');

    const input = (body ?? {}) as { url?: string; sdl?: string; author?: string; delete?: boolean; version?: number };
    const state = this.current.state;
    const one = /^\/admin\/subgraphs\/([^/]+)(\/check)?$/.exec(path);
    const name = one ? decodeURIComponent(one[1]!) : '';
    const existing = state.find((s) => s.name === name);
    const changeBody = (v: Version, subgraph: Published, changed = true) => ({
      version: v.version,
      changed,
      supergraph: v.supergraph,
      subgraph: { name: subgraph.name, url: subgraph.url, publishedBy: subgraph.publishedBy, publishedAt: subgraph.publishedAt },
      changes: changed ? [{ kind: 'FIELD_ADDED', coordinate: 'Query.topProducts', breaking: false, description: 'Field "topProducts" was added' }] : [],
      hints: [{ code: 'INCONSISTENT_DESCRIPTION', message: 'Description of "Query" differs between subgraphs' }],
    });

    if (req.method === 'POST' && one?.[2]) {
      if (input.delete) {
        if (!existing) return fail(404, 'SUBGRAPH_NOT_FOUND', `No subgraph "${name}" is published.`);
        return send(200, {
          composes: true,
          compositionErrors: [],
          changes: [{ kind: 'FIELD_REMOVED', coordinate: 'Query.me', breaking: true, description: 'Field "me" was removed from object type "Query"' }],
          affectedOperations: [{ name: 'Me', source: 'traffic', changes: ['Query.me'], errors: [] }],
        });
      }
      if (input.sdl?.includes('# breaking')) return send(200, breakingCheck);
      if (input.sdl?.includes('# nocompose')) {
        return send(200, {
          composes: false,
          compositionErrors: [{ code: 'FIELD_TYPE_MISMATCH', message: 'Type of field "T.x" is incompatible across subgraphs', subgraphs: ['accounts', name] }],
          changes: [],
          affectedOperations: [],
        });
      }
      return send(200, { composes: true, compositionErrors: [], changes: [{ kind: 'FIELD_ADDED', coordinate: 'Query.topProducts', breaking: false, description: 'Field "topProducts" was added' }], affectedOperations: [] });
    }
    if (req.method === 'POST' && one) {
      if (input.sdl?.includes('BROKEN')) {
        return fail(400, 'COMPOSITION_FAILED', `The schema of "${name}" does not compose with the other subgraphs.`, {
          composition: [{ code: 'FIELD_TYPE_MISMATCH', message: 'Type of field "T.x" is incompatible across subgraphs', subgraphs: ['accounts', name] }],
        });
      }
      if (existing && existing.sdl === input.sdl && existing.url === input.url) return send(200, changeBody(this.current, existing, false));
      const by = input.author ?? 'token';
      const subgraph = { name, url: input.url ?? '', sdl: input.sdl ?? '', publishedBy: by, publishedAt: '2025-02-01T12:00:00.000Z' };
      const version = this.record('publish', by, [...state.filter((s) => s.name !== name), subgraph], { subgraph: name });
      return send(200, changeBody(version, subgraph));
    }
    if (req.method === 'DELETE' && one && !one[2]) {
      if (!existing) return fail(404, 'SUBGRAPH_NOT_FOUND', `No subgraph "${name}" is published.`);
      const version = this.record('delete', input.author ?? 'token', state.filter((s) => s.name !== name), { subgraph: name });
      return send(200, changeBody(version, existing));
    }
    if (req.method === 'GET' && path === '/admin/subgraphs') {
      const subgraphs = state.map(({ sdl, ...s }) => ({ ...s, sdlSha256: createHash('sha256').update(sdl).digest('hex') }));
      return send(200, { version: this.current.version, supergraph: this.current.supergraph, subgraphs });
    }
    if (req.method === 'GET' && path === '/admin/supergraph/history') {
      return send(200, { current: this.current.version, versions: this.versions.map(({ state: _state, ...v }) => v) });
    }
    if (req.method === 'POST' && path === '/admin/supergraph/rollback') {
      const target = this.versions.find((v) => v.version === input.version);
      if (!target) return fail(404, 'VERSION_NOT_FOUND', `No supergraph version ${String(input.version)}.`);
      const version = this.record('rollback', input.author ?? 'token', target.state, { rolledBackTo: target.version });
      return send(200, { version: version.version, rolledBackTo: target.version, supergraph: version.supergraph, changes: [] });
    }
    return fail(404, 'NOT_FOUND', `No route ${req.method} ${path}.`);
  }
}

const api = new FakeAdminApi();
const env = (): Record<string, string> => ({ JUNCTION_GATEWAY_URL: api.url, JUNCTION_ADMIN_TOKEN: TOKEN });
function schemaFile(sdl: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'junction-registry-')), 'products.graphql');
  writeFileSync(path, sdl);
  return path;
}
const productsSdl = `${fed} type Query { topProducts: [Product] } type Product @key(fields: "upc") { upc: ID! price: Int }`;

beforeAll(() => api.start());
afterAll(() => api.stop());
beforeEach(() => api.reset());

function noStackTrace(output: string): void {
  expect(output).not.toMatch(/\n\s+at /);
}

describe('junction publish', () => {
  it('sends the schema, routing URL and author with the admin token, and prints the new version', async () => {
    const res = await runCli(['publish', 'products', '--url', 'http://products:4003/graphql', '--schema', schemaFile(productsSdl), '--author', 'alice'], { env: env() });
    expect(res.stderr).toContain('hint: INCONSISTENT_DESCRIPTION');
    expect(res.code).toBe(0);
    expect(api.requests).toEqual([
      {
        method: 'POST',
        path: '/admin/subgraphs/products',
        authorization: `Bearer ${TOKEN}`,
        contentType: 'application/json',
        body: { url: 'http://products:4003/graphql', sdl: productsSdl, author: 'alice' },
      },
    ]);
    expect(res.stdout).toContain(`Published products: supergraph version 2 (${api.current.supergraph.slice(0, 12)})`);
    expect(res.stdout).toMatch(/Safe changes \(1\):\n\s+Query\.topProducts\s+FIELD_ADDED/);
  });

  it('says so when the schema is identical to the active version', async () => {
    const accounts = api.current.state[0]!;
    const res = await runCli(['publish', 'accounts', '--url', accounts.url, '--schema', schemaFile(accounts.sdl)], { env: env() });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('accounts is unchanged: supergraph version 1');
  });

  it('takes the author from GITHUB_ACTOR when --author is not given', async () => {
    const res = await runCli(['publish', 'products', '--url', 'http://products:4003/graphql', '--schema', schemaFile(productsSdl)], {
      env: { ...env(), GITHUB_ACTOR: 'ci-bot', USER: 'someone-else' },
    });
    expect(res.code).toBe(0);
    expect(api.requests[0]?.body).toMatchObject({ author: 'ci-bot' });
  });

  it('exits 1 on a composition failure, with each error code and the subgraphs involved', async () => {
    const res = await runCli(['publish', 'products', '--url', 'http://products:4003/graphql', '--schema', schemaFile(`${productsSdl} # BROKEN`)], { env: env() });
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toContain('COMPOSITION_FAILED (HTTP 400): The schema of "products" does not compose with the other subgraphs.');
    expect(res.stderr).toContain('FIELD_TYPE_MISMATCH: Type of field "T.x" is incompatible across subgraphs [subgraphs: accounts, products]');
    noStackTrace(res.stderr);
    expect(api.versions).toHaveLength(1);
  });

  it('with --introspect, publishes the SDL the running subgraph answers to _service { sdl }', async () => {
    const queries: unknown[] = [];
    const subgraph = createServer((req, res) => {
      let text = '';
      req.on('data', (d: Buffer) => (text += d.toString()));
      req.on('end', () => {
        queries.push(JSON.parse(text));
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { _service: { sdl: productsSdl } } }));
      });
    });
    await new Promise<void>((resolve) => subgraph.listen(0, '127.0.0.1', resolve));
    try {
      const introspectUrl = `http://127.0.0.1:${(subgraph.address() as AddressInfo).port}/graphql`;
      const res = await runCli(['publish', 'products', '--url', 'http://products:4003/graphql', '--introspect', introspectUrl], { env: env() });
      expect(res.code).toBe(0);
      expect(queries).toEqual([{ query: expect.stringMatching(/\{\s*_service\s*\{\s*sdl\s*\}\s*\}/) }]);
      expect(api.requests[0]?.body).toEqual({ url: 'http://products:4003/graphql', sdl: productsSdl });
    } finally {
      subgraph.closeAllConnections();
      await new Promise<void>((resolve) => subgraph.close(() => resolve()));
    }
  });

  it('refuses --schema with --introspect, and a missing --url, as usage errors', async () => {
    const both = await runCli(['publish', 'products', '--url', 'http://p/graphql', '--schema', schemaFile(productsSdl), '--introspect', 'http://p/graphql'], { env: env() });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('publish needs exactly one of --schema <file.graphql> or --introspect <subgraph url>');
    const noUrl = await runCli(['publish', 'products', '--schema', schemaFile(productsSdl)], { env: env() });
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toContain('publish needs --url <routing url>');
    expect(api.requests).toEqual([]);
  });
});

describe('junction check', () => {
  it('exits 0 for a candidate that composes without breaking changes', async () => {
    const res = await runCli(['check', 'products', '--schema', schemaFile(productsSdl), '--url', 'http://products:4003/graphql'], { env: env() });
    expect(res.code).toBe(0);
    expect(api.requests).toEqual([
      {
        method: 'POST',
        path: '/admin/subgraphs/products/check',
        authorization: `Bearer ${TOKEN}`,
        contentType: 'application/json',
        body: { url: 'http://products:4003/graphql', sdl: productsSdl },
      },
    ]);
    expect(res.stdout).toContain('Safe changes (1):');
    expect(res.stdout.trim().split('\n').pop()).toBe('PASS: products composes with no breaking change (1 safe change(s)).');
  });

  it('exits 1 on a breaking change and lists the operations it would fail', async () => {
    const res = await runCli(['check', 'products', '--schema', schemaFile(`${productsSdl} # breaking`)], { env: env() });
    expect(res.code).toBe(1);
    expect(api.requests[0]?.body).toEqual({ sdl: `${productsSdl} # breaking` });
    const out = res.stdout;
    expect(out).toMatch(/Breaking changes \(1\):\n\s+Product\.price\s+FIELD_REMOVED\s+Field "price" was removed/);
    expect(out).toMatch(/Safe changes \(1\):\n\s+Product\.sku\s+FIELD_ADDED/);
    expect(out).toMatch(/Affected operations \(2\):\n\s+ProductPage \(a1b2c3\)\s+from manifest, client web\s+uses Product\.price\n\s+error: Cannot query field "price" on type "Product"\.\n\s+Checkout\s+from traffic, client ios/);
    expect(out.indexOf('Breaking changes')).toBeLessThan(out.indexOf('Safe changes'));
    expect(out.indexOf('Safe changes')).toBeLessThan(out.indexOf('Affected operations'));
    expect(out.trim().split('\n').pop()).toBe('FAIL: products 1 breaking change(s), 2 affected operation(s).');
  });

  it('exits 1 when the candidate does not compose, naming the errors', async () => {
    const res = await runCli(['check', 'products', '--schema', schemaFile(`${productsSdl} # nocompose`)], { env: env() });
    expect(res.code).toBe(1);
    expect(res.stdout).toContain('Composition errors (1):\n  FIELD_TYPE_MISMATCH: Type of field "T.x" is incompatible across subgraphs [subgraphs: accounts, products]');
    expect(res.stdout).toContain('FAIL: products does not compose (1 error(s)).');
  });

  it('checks a delete with { delete: true } and fails on what it removes', async () => {
    const res = await runCli(['check', 'accounts', '--delete'], { env: env() });
    expect(api.requests[0]).toMatchObject({ method: 'POST', path: '/admin/subgraphs/accounts/check', body: { delete: true } });
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/Query\.me\s+FIELD_REMOVED/);
    expect(res.stdout).toContain('FAIL: deleting accounts 1 breaking change(s), 1 affected operation(s).');
  });

  it('prints the raw response with --format json, and keeps the exit code', async () => {
    const res = await runCli(['check', 'products', '--schema', schemaFile(`${productsSdl} # breaking`), '--format', 'json'], { env: env() });
    expect(res.code).toBe(1);
    expect(JSON.parse(res.stdout)).toEqual(breakingCheck);
  });

  it('reports an API error (unknown subgraph) with its code and exits 1', async () => {
    const res = await runCli(['check', 'nope', '--delete'], { env: env() });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('SUBGRAPH_NOT_FOUND (HTTP 404): No subgraph "nope" is published.');
  });
});

describe('junction subgraphs list | delete', () => {
  it('lists the published subgraphs as a table', async () => {
    await runCli(['publish', 'products', '--url', 'http://products:4003/graphql', '--schema', schemaFile(productsSdl), '--author', 'alice'], { env: env() });
    const res = await runCli(['subgraphs', 'list', '--gateway', api.url, '--token', TOKEN]);
    expect(res.code).toBe(0);
    expect(api.requests[1]).toMatchObject({ method: 'GET', path: '/admin/subgraphs', authorization: `Bearer ${TOKEN}`, body: undefined });
    const lines = res.stdout.trim().split('\n');
    expect(lines[0]).toBe(`Supergraph version 2 (${api.current.supergraph.slice(0, 12)}), 2 subgraph(s)`);
    expect(lines[1]).toMatch(/^NAME\s+URL\s+PUBLISHED BY\s+PUBLISHED AT$/);
    expect(lines[2]).toMatch(/^accounts\s+http:\/\/accounts:4001\/graphql\s+seed\s+2025-01-01T00:00:00.000Z$/);
    expect(lines[3]).toMatch(/^products\s+http:\/\/products:4003\/graphql\s+alice\s+2025-02-01T12:00:00.000Z$/);
  });

  it('deletes a subgraph, sending the author', async () => {
    const res = await runCli(['subgraphs', 'delete', 'accounts', '--author', 'bob'], { env: env() });
    expect(res.code).toBe(0);
    expect(api.requests).toEqual([
      { method: 'DELETE', path: '/admin/subgraphs/accounts', authorization: `Bearer ${TOKEN}`, contentType: 'application/json', body: { author: 'bob' } },
    ]);
    expect(res.stdout).toContain('Deleted accounts: supergraph version 2');
    expect(api.current.subgraphs).toEqual([]);
  });

  it('still runs the sample subgraphs for any other first argument (an unknown sample name is a usage error)', async () => {
    const res = await runCli(['subgraphs', 'nosuchsample'], { env: env() });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('Unknown subgraph "nosuchsample". Valid names: accounts, inventory, products, reviews');
    expect(api.requests).toEqual([]);
  });
});

describe('junction rollback | history', () => {
  it('rolls back to a version and the history shows it', async () => {
    await runCli(['publish', 'products', '--url', 'http://products:4003/graphql', '--schema', schemaFile(productsSdl), '--author', 'alice'], { env: env() });
    const rollback = await runCli(['rollback', '1', '--author', 'carol'], { env: env() });
    expect(rollback.code).toBe(0);
    expect(api.requests[1]).toMatchObject({ method: 'POST', path: '/admin/supergraph/rollback', authorization: `Bearer ${TOKEN}`, body: { version: 1, author: 'carol' } });
    expect(rollback.stdout).toContain(`Rolled back to version 1: supergraph version 3 (${api.versions[2]!.supergraph.slice(0, 12)})`);

    const history = await runCli(['history'], { env: env() });
    expect(history.code).toBe(0);
    expect(api.requests[2]).toMatchObject({ method: 'GET', path: '/admin/supergraph/history' });
    const lines = history.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ VERSION\s+CREATED AT\s+ACTION\s+SUBGRAPH\s+BY\s+SUPERGRAPH\s+SUBGRAPHS$/);
    expect(lines[1]).toMatch(/^\*3\s+\S+\s+rollback to 1\s+-\s+carol\s+[0-9a-f]{12}\s+accounts$/);
    expect(lines[2]).toMatch(/^ 2\s+\S+\s+publish\s+products\s+alice\s+[0-9a-f]{12}\s+accounts,products$/);
    expect(lines[3]).toMatch(/^ 1\s+\S+\s+seed\s+-\s+seed\s+[0-9a-f]{12}\s+accounts$/);
  });

  it('reports an unknown version with its code', async () => {
    const res = await runCli(['rollback', '42'], { env: env() });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('VERSION_NOT_FOUND (HTTP 404): No supergraph version 42.');
  });

  it('refuses a version that is not a positive integer as a usage error', async () => {
    const res = await runCli(['rollback', 'latest'], { env: env() });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('<version> must be a positive integer, got "latest"');
    expect(api.requests).toEqual([]);
  });
});

describe('registry commands, when they cannot do their job', () => {
  it('reports a rejected token (401) with its code and message, exit 1', async () => {
    const res = await runCli(['subgraphs', 'list'], { env: { ...env(), JUNCTION_ADMIN_TOKEN: 'wrong' } });
    expect(res.code).toBe(1);
    expect(api.requests[0]?.authorization).toBe('Bearer wrong');
    expect(res.stderr).toContain('UNAUTHENTICATED (HTTP 401): Unauthenticated: the admin token is not valid.');
    noStackTrace(res.stderr);
  });

  it('says it cannot reach the gateway when nothing listens there, exit 1', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const gateway = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const res = await runCli(['history', '--gateway', gateway], { env: { JUNCTION_ADMIN_TOKEN: TOKEN } });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`cannot reach the gateway at ${gateway}: ECONNREFUSED`);
    noStackTrace(res.stderr);
  });

  it('is a usage error (exit 2) without a token, before any request', async () => {
    const res = await runCli(['subgraphs', 'list'], { env: { JUNCTION_GATEWAY_URL: api.url } });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('subgraphs list needs an admin token: set JUNCTION_ADMIN_TOKEN or pass --token <token>');
    expect(api.requests).toEqual([]);
  });
});
