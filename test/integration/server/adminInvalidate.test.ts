import { StreamConnections } from '../../../src/server/streamConnections';
import type { AddressInfo } from 'node:net';
import { Invalidations, cacheTag, tagsOf } from '../../../src/cache';
import { MemoryStore } from '../../../src/store';
import { PersistedOperations } from '../../../src/operations';
import { buildAuthenticator } from '../../../src/server/authentication';
import { createHttpServer } from '../../../src/server/httpServer';
import { testConfig } from '../../helpers/gateway';
import { devToken } from '../../helpers/identity';
import { captureLogs } from '../../helpers/logCapture';

const ADMIN_TOKEN = 'test-admin-token-0123456789-abcdefghij';
const PATH = '/admin/cache/invalidate';

interface Answer {
  status: number;
  headers: Headers;
  body: { invalidated?: number; errors?: Array<{ message: string; extensions: { code: string } }> };
}

/** A real HTTP front (no supergraph needed) with the admin API over `invalidations`. */
async function startFront(invalidations: Invalidations | undefined, yaml = `admin:\n  token:\n    value: ${ADMIN_TOKEN}\n`) {
  const config = testConfig(yaml);
  const logs = captureLogs();
  const http = createHttpServer({
    maxBodyBytes: 1_000_000,
    requestTimeoutMs: 10_000,
    headersTimeoutMs: 10_000,
    keepAliveTimeoutMs: 5_000,
    maxHeaderBytes: 16_384,
    maxHeaders: config.server.maxHeaders,
    bodyIdleTimeoutMs: config.server.bodyIdleTimeoutMs,
    variables: config.limits.variables,
    accessLog: false,
    batching: { enabled: false, maxSize: 1 },
    streaming: { subscriptions: config.subscriptions, streams: new StreamConnections(config.subscriptions.maxConnections), tokenHeader: config.auth.header },
    preflight: () => undefined,
    authenticator: await buildAuthenticator(config),
    clientKeyOf: () => 'anonymous',
    variantOf: () => 'stable',
    operations: new PersistedOperations(config.persistedQueries, undefined, logs.logger),
    logger: logs.logger,
    apollo: () => undefined,
    supergraphId: () => undefined,
    store: { kind: 'memory', available: () => true },
    admin: invalidations && { invalidations, scopes: config.admin.scopes, token: config.admin.token },
  });
  await new Promise<void>((resolve) => http.server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(http.server.address() as AddressInfo).port}`;
  const call = async (init: { method?: string; headers?: Record<string, string>; body?: unknown }): Promise<Answer> => {
    const body = init.body === undefined || typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
    const res = await fetch(`${base}${PATH}`, { method: init.method ?? 'POST', headers: { 'content-type': 'application/json', ...init.headers }, body });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Answer['body'] };
  };
  const stop = async () => {
    http.server.closeAllConnections();
    await new Promise<void>((resolve) => http.server.close(() => resolve()));
  };
  return { call, stop, logs: logs.lines };
}

const asAdmin = { authorization: `Bearer ${ADMIN_TOKEN}` };
const errorOf = (answer: Answer) => answer.body.errors?.[0];

describe('POST /admin/cache/invalidate', () => {
  const store = new MemoryStore({ maxBytes: 1 << 20 });
  const invalidations = new Invalidations(store, 60_000);
  let front: Awaited<ReturnType<typeof startFront>>;

  beforeAll(async () => {
    front = await startFront(invalidations);
  });
  afterAll(async () => {
    await front.stop();
    await store.close();
  });

  const markers = (...tags: string[]) => invalidations.markersOf(tags);

  it('writes a marker per target for the admin token and answers how many targets it took', async () => {
    const before = Date.now();
    const res = await front.call({ headers: asAdmin, body: { targets: [{ type: 'Product' }, { subgraph: 'product-catalog' }, { tag: 'price list' }] } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ invalidated: 3 });
    for (const marker of await markers(cacheTag.type('Product'), cacheTag.subgraph('product-catalog'), cacheTag.custom('price list'))) {
      expect(marker).toBeGreaterThanOrEqual(before);
    }
    expect(front.logs).toContainEqual(expect.objectContaining({ level: 30, msg: 'cache invalidated', targets: 3, by: 'token' }));
  });

  it('invalidates an entity and the entries of its type that do not know their keys', async () => {
    const target = { type: 'Review', key: { id: '7', author: { id: '1' } } };
    expect(await markers(...tagsOf(target))).toEqual([undefined, undefined]);
    const res = await front.call({ headers: asAdmin, body: { targets: [target] } });
    expect(res.status).toBe(200);
    const [entity, unkeyed] = await markers(...tagsOf({ type: 'Review', key: { author: { id: '1' }, id: '7' } }));
    expect(entity).toEqual(expect.any(Number));
    expect(unkeyed).toEqual(expect.any(Number));
    // The whole type was not invalidated: entries that know their keys keep other entities.
    expect(await markers(cacheTag.type('Review'))).toEqual([undefined]);
  });

  it('accepts a token with the junction:admin scope and logs its subject', async () => {
    const res = await front.call({ headers: { authorization: `Bearer ${await devToken('ops-7', ['read', 'junction:admin'])}` }, body: { targets: [{ tag: 'by-jwt' }] } });
    expect(res.status).toBe(200);
    expect(await markers(cacheTag.custom('by-jwt'))).toEqual([expect.any(Number)]);
    expect(front.logs).toContainEqual(expect.objectContaining({ msg: 'cache invalidated', targets: 1, by: 'ops-7' }));
  });

  it.each([
    ['no credentials', {}, 401, 'UNAUTHENTICATED'],
    ['a wrong admin token', { authorization: `Bearer ${ADMIN_TOKEN.slice(0, -1)}x` }, 401, 'UNAUTHENTICATED'],
    ['the admin token under another scheme', { authorization: `Basic ${ADMIN_TOKEN}` }, 401, 'UNAUTHENTICATED'],
  ])('refuses %s with 401 and writes nothing', async (_name, headers, status, code) => {
    const res = await front.call({ headers, body: { targets: [{ tag: 'refused' }] } });
    expect(res.status).toBe(status);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(errorOf(res)?.extensions.code).toBe(code);
    expect(errorOf(res)?.message).not.toContain(ADMIN_TOKEN.slice(0, 10));
    expect(await markers(cacheTag.custom('refused'))).toEqual([undefined]);
  });

  it('says that a wrong admin token was refused, not that a token is malformed', async () => {
    const res = await front.call({ headers: { authorization: 'Bearer wrong' }, body: { targets: [{ tag: 'refused' }] } });
    expect(res.status).toBe(401);
    expect(errorOf(res)?.message).toBe("Unauthenticated: the admin token was refused (it is not this gateway's admin token).");
  });

  it('refuses a valid token without an admin scope with 403 FORBIDDEN', async () => {
    const res = await front.call({ headers: { authorization: `Bearer ${await devToken('user-1', ['read', 'admin'])}` }, body: { targets: [{ tag: 'no-scope' }] } });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ errors: [{ message: 'Forbidden: the token has none of the admin scopes (junction:admin).', extensions: { code: 'FORBIDDEN' } }] });
    expect(await markers(cacheTag.custom('no-scope'))).toEqual([undefined]);
  });

  it.each(['GET', 'PUT', 'DELETE'])('answers %s with 405 and allow: POST', async (method) => {
    const res = await front.call({ method, headers: asAdmin, body: method === 'GET' ? undefined : '{}' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect(errorOf(res)?.extensions.code).toBe('METHOD_NOT_ALLOWED');
  });

  it.each<[string, { body: unknown; headers?: Record<string, string> }, string]>([
    ['malformed JSON', { body: '{"targets": [' }, 'The request body is not valid JSON.'],
    ['an empty body', { body: '' }, 'The request body is not valid JSON.'],
    ['a text/plain body (CSRF)', { body: '{"targets":[{"tag":"x"}]}', headers: { 'content-type': 'text/plain' } }, 'The content type must be application/json.'],
    ['an array body', { body: [] }, 'Invalid invalidation request: body: Expected object, received array.'],
    ['no targets', { body: {} }, 'Invalid invalidation request: targets: Required.'],
    ['empty targets', { body: { targets: [] } }, 'Invalid invalidation request: targets: must name at least one target.'],
    ['more than 1000 targets', { body: { targets: Array.from({ length: 1001 }, () => ({ tag: 't' })) } }, 'Invalid invalidation request: targets: must name at most 1000 targets.'],
    ['an unknown member', { body: { targets: [], force: true } }, "Invalid invalidation request: targets: must name at least one target; body: Unrecognized key(s) in object: 'force'."],
    ['a target of two kinds', { body: { targets: [{ tag: 'a' }, { subgraph: 's', type: 'T' }] } }, 'Invalid invalidation request: targets[1]: a target names exactly one of subgraph, type, tag (got subgraph and type).'],
    ['a target of no kind', { body: { targets: [{}] } }, 'Invalid invalidation request: targets[0]: a target names exactly one of subgraph, type, tag (got none).'],
    ['an unknown target member', { body: { targets: [{ type: 'T', ttl: 1 }] } }, "Invalid invalidation request: targets[0]: Unrecognized key(s) in object: 'ttl'."],
    ['a bad type name', { body: { targets: [{ tag: 'a' }, { tag: 'b' }, { type: 'Product!' }] } }, 'Invalid invalidation request: targets[2].type: must be a GraphQL type name.'],
    ['a bad subgraph name', { body: { targets: [{ subgraph: '../x' }] } }, 'Invalid invalidation request: targets[0].subgraph: must be a subgraph name (letters, digits, _ and -).'],
    ['a key without a type', { body: { targets: [{ subgraph: 's', key: { id: 1 } }] } }, 'Invalid invalidation request: targets[0].key: a key goes with a type target only.'],
    ['an empty key', { body: { targets: [{ type: 'T', key: {} }] } }, 'Invalid invalidation request: targets[0].key: must be a non-empty object of key fields.'],
    ['a key that is a list', { body: { targets: [{ type: 'T', key: ['1'] }] } }, 'Invalid invalidation request: targets[0].key: must be a non-empty object of key fields.'],
    ['an empty tag', { body: { targets: [{ tag: '' }] } }, 'Invalid invalidation request: targets[0].tag: must not be empty.'],
    ['a tag over 256 characters', { body: { targets: [{ tag: 'x'.repeat(257) }] } }, 'Invalid invalidation request: targets[0].tag: must be at most 256 characters.'],
    ['a tag that is not a string', { body: { targets: [{ tag: 7 }] } }, 'Invalid invalidation request: targets[0].tag: Expected string, received number.'],
  ])('answers %s with 400 BAD_REQUEST naming the problem', async (_name, request, message) => {
    const res = await front.call({ headers: { ...asAdmin, ...request.headers }, body: request.body });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] });
  });

  it('refuses a key nested deep enough to exhaust the stack with 400, not 500', async () => {
    const depth = 30_000;
    const body = `{"targets":[{"type":"T","key":{"a":${'['.repeat(depth)}${']'.repeat(depth)}}}]}`;
    const res = await front.call({ headers: asAdmin, body });
    expect(res.status).toBe(400);
    expect(errorOf(res)?.message).toBe('Invalid invalidation request: targets[0].key: must not nest deeper than 16 levels.');
  });

  it('answers 413 PAYLOAD_TOO_LARGE for a body over 64 KiB', async () => {
    const res = await front.call({ headers: asAdmin, body: { targets: [{ tag: 'x'.repeat(256) }], pad: ' '.repeat(64 * 1024) } });
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ errors: [{ message: 'Request body is larger than 65536 bytes.', extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
  });

  it('takes 1000 targets in one request', async () => {
    const targets = Array.from({ length: 1000 }, (_, i) => ({ type: 'Product', key: { upc: String(i) } }));
    const res = await front.call({ headers: asAdmin, body: { targets } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ invalidated: 1000 });
    expect(await markers(...tagsOf({ type: 'Product', key: { upc: '999' } }))).toEqual([expect.any(Number), expect.any(Number)]);
  });
});

describe('POST /admin/cache/invalidate when the store refuses markers', () => {
  it('answers 503 CACHE_STORE_UNAVAILABLE saying replicas may not see it', async () => {
    const store = new MemoryStore({ maxBytes: 1 << 20 });
    await store.close();
    const front = await startFront(new Invalidations(store, 60_000));
    try {
      const res = await front.call({ headers: asAdmin, body: { targets: [{ type: 'Product' }] } });
      expect(res.status).toBe(503);
      expect(errorOf(res)?.extensions.code).toBe('CACHE_STORE_UNAVAILABLE');
      expect(errorOf(res)?.message).toContain('may not have reached every replica');
      expect(front.logs).toContainEqual(expect.objectContaining({ level: 50, targets: 1, by: 'token' }));
    } finally {
      await front.stop();
    }
  });
});

describe('the admin API when it is not configured', () => {
  it('answers /admin/cache/invalidate with a JSON 404 like any unknown path', async () => {
    const front = await startFront(undefined);
    try {
      const res = await front.call({ headers: asAdmin, body: { targets: [{ type: 'Product' }] } });
      expect(res.status).toBe(404);
      expect(errorOf(res)?.extensions.code).toBe('NOT_FOUND');
    } finally {
      await front.stop();
    }
  });

  it('refuses every caller with 401 when there is neither an admin token nor a key source', async () => {
    const store = new MemoryStore({ maxBytes: 1 << 20 });
    const front = await startFront(new Invalidations(store, 60_000), 'auth:\n  devKey: false\n');
    try {
      const res = await front.call({ headers: { authorization: `Bearer ${await devToken('ops-7', ['junction:admin'])}` }, body: { targets: [{ type: 'Product' }] } });
      expect(res.status).toBe(401);
      expect(errorOf(res)?.extensions.code).toBe('UNAUTHENTICATED');
    } finally {
      await front.stop();
      await store.close();
    }
  });
});

describe('admin credentials', () => {
  it('takes admin credentials only from the Authorization header, never from the auth cookie (CSRF)', async () => {
    const store = new MemoryStore({ maxBytes: 1 << 20 });
    const front = await startFront(new Invalidations(store, 60_000), `auth:\n  cookie: session\nadmin:\n  token:\n    value: ${ADMIN_TOKEN}\n`);
    try {
      const token = await devToken('ops-7', ['junction:admin']);
      // A browser sends the cookie on its own, whoever made the page that sends the request.
      const fromCookie = await front.call({ headers: { cookie: `session=${token}` }, body: { targets: [{ tag: 'csrf' }] } });
      expect(fromCookie.status).toBe(401);
      expect(errorOf(fromCookie)?.extensions.code).toBe('UNAUTHENTICATED');
      const fromHeader = await front.call({ headers: { authorization: `Bearer ${token}` }, body: { targets: [{ tag: 'csrf' }] } });
      expect(fromHeader.status).toBe(200);
    } finally {
      await front.stop();
      await store.close();
    }
  });
});
