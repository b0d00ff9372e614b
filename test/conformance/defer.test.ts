import { GraphQLError } from 'graphql';
import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { DEFER_ACCEPT, MULTIPART_DEFER_TYPE, readParts } from '../integration/defer/deferFixture';
import { AUTH_YAML, clientToken } from '../integration/subscriptions/fixture';
import { link, startFederation, type Federation } from './federation';

// shop owns Product and two root fields; stock adds fields by entity fetch (one fails for p2, one needs a
// scope); talk adds reviews by a third subgraph, so a nested defer waits on a fetch of its own. Both executor
// settings run @defer on Junction's executor (@apollo/gateway's has no Defer support): same expectations.
const PRODUCTS = [
  { id: 'p1', name: 'Widget' },
  { id: 'p2', name: 'Gadget' },
  { id: 'p3', name: 'Gizmo' },
];

type Json = Record<string, unknown>;
interface Part {
  data?: Json;
  errors?: Array<{ message: string; path?: unknown[]; extensions?: { code?: string } }>;
  hasNext: boolean;
  incremental?: Array<{ data: Json | null; path: Array<string | number>; label?: string; errors?: Part['errors'] }>;
}

let fed: Federation;

beforeAll(async () => {
  fed = await startFederation(
    {
      shop: {
        sdl: `${link(['@key'])}
          type Query { products: [Product] product(id: ID!): Product motd: String }
          type Product @key(fields: "id") { id: ID! name: String }`,
        resolvers: {
          Query: {
            products: () => PRODUCTS,
            product: (_: unknown, { id }: { id: string }) => PRODUCTS.find((p) => p.id === id) ?? null,
            motd: () => 'hello',
          },
        },
      },
      stock: {
        sdl: `${link(['@key', '@requiresScopes'])}
          type Product @key(fields: "id") { id: ID! stock: Int broken: String secret: String @requiresScopes(scopes: [["read:secret"]]) }`,
        resolvers: {
          Product: {
            __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
            stock: (p: { id: string }) => Number(p.id.slice(1)) * 10,
            secret: (p: { id: string }) => `secret-${p.id}`,
            broken: (p: { id: string }) => {
              if (p.id === 'p2') throw new GraphQLError('stock is broken for p2', { extensions: { code: 'STOCK_BROKEN' } });
              return 'fine';
            },
          },
        },
      },
      talk: {
        sdl: `${link(['@key'])}
          type Product @key(fields: "id") { id: ID! reviews: [Review] }
          type Review { body: String }`,
        resolvers: { Product: { reviews: (p: { id: string }) => [{ body: `nice ${p.id}` }] } },
      },
    },
    AUTH_YAML,
  );
});
afterAll(() => fed?.stop());

const post = (query: string, variables?: Json, headers: Record<string, string> = {}) =>
  fetch(fed.gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: DEFER_ACCEPT, ...headers }, body: JSON.stringify({ query, variables }) });

/** Every part of a multipart @defer answer, read with meros as Apollo Client reads them. */
async function partsOf(query: string, variables?: Json, headers?: Record<string, string>): Promise<Part[]> {
  const res = await post(query, variables, headers);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe(MULTIPART_DEFER_TYPE);
  const { parts, finished } = await readParts(res);
  await finished;
  return parts as Part[];
}

/** The parts merged as a client merges them: each incremental entry's data into the object at its path. */
function merged(parts: Part[]): { data: Json; errors: NonNullable<Part['errors']> } {
  const data = structuredClone(parts[0]?.data ?? {});
  const errors = [...(parts[0]?.errors ?? [])];
  for (const inc of parts.slice(1).flatMap((p) => p.incremental ?? [])) {
    const target = inc.path.reduce<unknown>((at, key) => (at as Record<string | number, unknown>)[key], data) as Json;
    Object.assign(target, inc.data);
    errors.push(...(inc.errors ?? []));
  }
  return { data, errors };
}

describe('@defer over multipart HTTP', () => {
  it('defers a root field: primary part, then the field at path [] with its label', async () => {
    expect(await partsOf('{ motd ... @defer(label: "all") { products { name } } }')).toStrictEqual([
      { data: { motd: 'hello' }, hasNext: true },
      { incremental: [{ data: { products: [{ name: 'Widget' }, { name: 'Gadget' }, { name: 'Gizmo' }] }, path: [], label: 'all' }], hasNext: false },
    ]);
  });

  it('defers an entity fragment resolved by another subgraph; an unlabelled defer has no label key', async () => {
    expect(await partsOf('{ product(id: "p1") { name ... @defer { stock } } }')).toStrictEqual([
      { data: { product: { name: 'Widget' } }, hasNext: true },
      { incremental: [{ data: { stock: 10 }, path: ['product'] }], hasNext: false },
    ]);
  });

  it('delivers a defer inside a list as one incremental entry per item, its index in the path', async () => {
    expect(await partsOf('{ products { name ... @defer(label: "stock") { stock } } }')).toStrictEqual([
      { data: { products: [{ name: 'Widget' }, { name: 'Gadget' }, { name: 'Gizmo' }] }, hasNext: true },
      {
        incremental: [
          { data: { stock: 10 }, path: ['products', 0], label: 'stock' },
          { data: { stock: 20 }, path: ['products', 1], label: 'stock' },
          { data: { stock: 30 }, path: ['products', 2], label: 'stock' },
        ],
        hasNext: false,
      },
    ]);
  });

  it('delivers nested defers outer first, the inner one in a part of its own', async () => {
    const parts = await partsOf('{ product(id: "p2") { name ... @defer(label: "outer") { stock ... @defer(label: "inner") { reviews { body } } } } }');
    expect(parts).toStrictEqual([
      { data: { product: { name: 'Gadget' } }, hasNext: true },
      { incremental: [{ data: { stock: 20 }, path: ['product'], label: 'outer' }], hasNext: true },
      { incremental: [{ data: { reviews: [{ body: 'nice p2' }] }, path: ['product'], label: 'inner' }], hasNext: false },
    ]);
  });

  it('delivers sibling defers, labelled and not, each in its own part', async () => {
    const parts = await partsOf('{ product(id: "p3") { name ... @defer(label: "s") { stock } ... @defer { reviews { body } } } }');
    expect(parts).toHaveLength(3);
    expect(parts[0]).toStrictEqual({ data: { product: { name: 'Gizmo' } }, hasNext: true });
    // The two deferred fetches are independent: either may finish first.
    expect(parts.slice(1).flatMap((p) => p.incremental)).toEqual(
      expect.arrayContaining([
        { data: { stock: 30 }, path: ['product'], label: 's' },
        { data: { reviews: [{ body: 'nice p3' }] }, path: ['product'] },
      ]),
    );
    expect(parts.slice(1).map((p) => p.hasNext)).toEqual([true, false]);
    expect(parts.slice(1).flatMap((p) => p.incremental ?? []).find((i) => 'reviews' in (i.data ?? {}))).not.toHaveProperty('label');
  });

  it('@defer(if: false) sends no incremental part: the fields are in the primary, one JSON answer', async () => {
    const res = await post('{ product(id: "p1") { name ... @defer(if: false) { stock } } }');
    expect(res.status).toBe(200);
    // The planner drops a literal if: false, so the plan has no Defer node: an ordinary answer.
    expect(res.headers.get('content-type')).toMatch(/^application\/(graphql-response\+)?json/);
    expect(await res.json()).toEqual({ data: { product: { name: 'Widget', stock: 10 } } });
  });

  it('honours @defer(if: $var) for both values', async () => {
    const query = 'query ($d: Boolean!) { product(id: "p1") { name ... @defer(if: $d) { stock } } }';
    expect(await partsOf(query, { d: true })).toStrictEqual([
      { data: { product: { name: 'Widget' } }, hasNext: true },
      { incremental: [{ data: { stock: 10 }, path: ['product'] }], hasNext: false },
    ]);
    expect(await partsOf(query, { d: false })).toStrictEqual([{ data: { product: { name: 'Widget', stock: 10 } }, hasNext: false }]);
  });

  it('keeps an error inside a deferred part in that part, at its path', async () => {
    const parts = await partsOf('{ products { name ... @defer { broken } } }');
    expect(parts[0]).toStrictEqual({ data: { products: [{ name: 'Widget' }, { name: 'Gadget' }, { name: 'Gizmo' }] }, hasNext: true });
    expect(parts).toHaveLength(2);
    expect(parts[1]).toEqual({
      incremental: [
        { data: { broken: 'fine' }, path: ['products', 0] },
        {
          data: { broken: null },
          path: ['products', 1],
          errors: [expect.objectContaining({ message: 'stock is broken for p2', path: ['products', 1, 'broken'], extensions: expect.objectContaining({ code: 'STOCK_BROKEN' }) })],
        },
        { data: { broken: 'fine' }, path: ['products', 2] },
      ],
      hasNext: false,
    });
    expect(parts[1]?.incremental?.[0]).not.toHaveProperty('errors');
  });

  it('nulls a field authorization removes inside a deferred fragment, the error in that part only', async () => {
    const token = await clientToken({ sub: 'u1' });
    const parts = await partsOf('{ product(id: "p1") { name ... @defer(label: "more") { stock secret } } }', undefined, { authorization: `Bearer ${token}` });
    expect(parts).toEqual([
      { data: { product: { name: 'Widget' } }, hasNext: true },
      {
        incremental: [
          {
            data: { stock: 10, secret: null },
            path: ['product'],
            label: 'more',
            errors: [expect.objectContaining({ path: ['product', 'secret'], extensions: expect.objectContaining({ code: 'UNAUTHORIZED_FIELD_OR_TYPE' }) })],
          },
        ],
        hasNext: false,
      },
    ]);
    expect(parts[0]).not.toHaveProperty('errors');
    expect(JSON.stringify(parts)).not.toContain('secret-p1');
    const scoped = await clientToken({ sub: 'u2', scope: 'read:secret' });
    const allowed = await partsOf('{ product(id: "p1") { name ... @defer(label: "more") { stock secret } } }', undefined, { authorization: `Bearer ${scoped}` });
    expect(allowed[1]).toStrictEqual({ incremental: [{ data: { stock: 10, secret: 'secret-p1' }, path: ['product'], label: 'more' }], hasNext: false });
  });

  it('answers a client without the multipart Accept with one JSON equal to the merged parts', async () => {
    const query = '{ motd products { name ... @defer(label: "s") { stock broken ... @defer { reviews { body } } } } }';
    const parts = await partsOf(query);
    expect(parts.length).toBeGreaterThan(2);
    const res = await post(query, undefined, { accept: 'application/json' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/(graphql-response\+)?json/);
    const whole = (await res.json()) as { data: Json; errors?: unknown[] };
    const fromParts = merged(parts);
    // toEqual, not toStrictEqual: fetch's JSON objects come from another realm (same keys, other prototype).
    expect(whole.data).toEqual(fromParts.data);
    expect(whole.errors).toEqual(fromParts.errors);
    expect(whole.errors).toEqual([expect.objectContaining({ path: ['products', 1, 'broken'] })]);
  });

  it('answers WebSocket and SSE clients whole, one result equal to the JSON answer', async () => {
    const query = '{ product(id: "p2") { name ... @defer(label: "s") { stock broken } } }';
    const json = (await (await post(query, undefined, { accept: 'application/json' })).json()) as Json;
    expect(json).toEqual({
      data: { product: { name: 'Gadget', stock: 20, broken: null } },
      errors: [expect.objectContaining({ path: ['product', 'broken'], extensions: expect.objectContaining({ code: 'STOCK_BROKEN' }) })],
    });
    const collect = (subscribe: (sink: { next: (r: unknown) => void; error: (e: unknown) => void; complete: () => void }) => () => void) =>
      new Promise<unknown[]>((resolve, reject) => {
        const results: unknown[] = [];
        subscribe({ next: (r) => results.push(r), error: reject, complete: () => resolve(results) });
      });
    const ws = createWsClient({ url: fed.gateway.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
    const sse = createSseClient({ url: fed.gateway.url, retryAttempts: 0, singleConnection: false });
    try {
      expect(await collect((sink) => ws.subscribe({ query }, sink))).toEqual([json]);
      expect(await collect((sink) => sse.subscribe({ query }, sink))).toEqual([json]);
    } finally {
      await ws.dispose();
      sse.dispose();
    }
  });
});
