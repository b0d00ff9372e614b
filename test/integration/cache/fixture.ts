import { startTestSubgraph, type TestSubgraph } from '../../helpers/subgraph';

const CACHE_CONTROL = `enum CacheControlScope @inaccessible { PUBLIC PRIVATE }
  directive @cacheControl(maxAge: Int, scope: CacheControlScope, inheritMaxAge: Boolean) on FIELD_DEFINITION | OBJECT | INTERFACE | UNION`;
const LINK = (imports: string[]) => `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: [${imports.map((i) => `"${i}"`).join(', ')}])`;

type RequestContext = { headers: Record<string, string | string[] | undefined> };

/** The caller a subgraph request is for: the subject of the gateway-signed identity token (not verified here). */
function callerOf(headers: Record<string, string | string[] | undefined>): string {
  const token = headers['x-junction-identity'];
  if (typeof token !== 'string') return 'anonymous';
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { sub?: string };
  return payload.sub ?? 'anonymous';
}

export interface CacheFixture {
  /** Products (public, 60 s) and a field that needs a scope. */
  catalog: TestSubgraph;
  /** Product stock via `_entities` (public, `stockMaxAge` s; cache tag `stock`) and a mutation. */
  stock: TestSubgraph;
  /** Per-caller data: `me` and Product.note (PRIVATE, 60 s). */
  profile: TestSubgraph;
  /** A field without any cache hint. */
  clock: TestSubgraph;
  names: Map<string, string>;
  stocks: Map<string, number>;
  all: TestSubgraph[];
  stop(): Promise<void>;
}

export async function startCacheFixture(stockMaxAge = 60): Promise<CacheFixture> {
  const names = new Map<string, string>();
  const stocks = new Map<string, number>();
  for (let i = 1; i <= 50; i++) {
    names.set(String(i), `Product ${i}`);
    stocks.set(String(i), i * 10);
  }
  const product = (id: string) => ({ id, name: names.get(id) ?? `Product ${id}` });
  const catalog = await startTestSubgraph(
    'catalog',
    `${LINK(['@key', '@inaccessible', '@requiresScopes'])}
     ${CACHE_CONTROL}
     type Query {
       products(ids: [ID!]!): [Product!]!
       product(id: ID!): Product
       broken: Product
       secret: String @requiresScopes(scopes: [["read:secret"]]) @cacheControl(maxAge: 60)
     }
     type Product @key(fields: "id") @cacheControl(maxAge: 60) { id: ID!, name: String! }`,
    {
      Query: {
        products: (_: unknown, { ids }: { ids: string[] }) => ids.map(product),
        product: (_: unknown, { id }: { id: string }) => product(id),
        broken: () => {
          throw new Error('catalog is broken');
        },
        secret: () => 'the secret',
      },
      Product: { __resolveReference: (ref: { id: string }) => product(ref.id) },
    },
  );
  const stock = await startTestSubgraph(
    'stock',
    `${LINK(['@key', '@inaccessible'])}
     ${CACHE_CONTROL}
     type Product @key(fields: "id") @cacheControl(maxAge: ${stockMaxAge}) { id: ID!, stock: Int! }
     type Mutation { setStock(id: ID!, stock: Int!): Product! @cacheControl(maxAge: 0) }`,
    {
      Product: { __resolveReference: (ref: { id: string }) => ({ id: ref.id, stock: stocks.get(ref.id) ?? 0 }) },
      Mutation: {
        setStock: (_: unknown, { id, stock: value }: { id: string; stock: number }) => {
          stocks.set(id, value);
          return { id, stock: value };
        },
      },
    },
    { responseHeaders: () => ({ 'cache-tag': 'stock, inventory-feed' }) },
  );
  const profile = await startTestSubgraph(
    'profile',
    `${LINK(['@key', '@inaccessible'])}
     ${CACHE_CONTROL}
     type Query { me: Viewer }
     type Viewer @cacheControl(maxAge: 60, scope: PRIVATE) { sub: String! }
     type Product @key(fields: "id") @cacheControl(maxAge: 60, scope: PRIVATE) { id: ID!, note: String! }`,
    {
      Query: { me: (_: unknown, __: unknown, ctx: unknown) => ({ sub: callerOf((ctx as RequestContext).headers) }) },
      Product: {
        __resolveReference: (ref: { id: string }, ctx: unknown) => ({ id: ref.id, note: `${callerOf((ctx as RequestContext).headers)} likes ${ref.id}` }),
      },
    },
  );
  const clock = await startTestSubgraph('clock', `${LINK(['@key'])} type Query { tick: Int! }`, { Query: { tick: (() => { let n = 0; return () => ++n; })() } });
  const all = [catalog, stock, profile, clock];
  return { catalog, stock, profile, clock, names, stocks, all, stop: async () => void (await Promise.all(all.map((s) => s.stop()))) };
}

/** How many requests each subgraph has received so far. */
export function requestCounts(fixture: CacheFixture): { catalog: number; stock: number; profile: number; clock: number } {
  const [catalog, stock, profile, clock] = fixture.all.map((s) => s.requests.length) as [number, number, number, number];
  return { catalog, stock, profile, clock };
}

/** The representations of every `_entities` request a subgraph received after `from`. */
export function representationsSent(subgraph: TestSubgraph, from = 0): Array<Array<{ id: string }>> {
  return subgraph.requests.slice(from).flatMap((r) => (r.variables?.representations ? [r.variables.representations as Array<{ id: string }>] : []));
}
