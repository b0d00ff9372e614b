import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startJunction, type Junction } from '../../../src/server';
import { createLogger } from '../../../src/observability';
import { postGraphQL, testConfig, writeTemp } from '../../helpers/gateway';
import { startTestSubgraph, type TestSubgraph } from '../../helpers/subgraph';

export const ADMIN_TOKEN = 'registry-admin-token-0123456789abcdef';
export const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@shareable"])';

/** What the products service really serves; the seed registers it without `stock` (a later publish adds it). */
export const PRODUCTS_FULL_SDL = `${LINK}
type Query { products: [Product!]!, product(id: ID!): Product }
type Product @key(fields: "id") { id: ID!, name: String!, price: Int!, stock: Int! }`;
export const PRODUCTS_SDL = PRODUCTS_FULL_SDL.replace(', stock: Int!', '');
export const REVIEWS_SDL = `${LINK}
type Product @key(fields: "id") { id: ID!, reviews: [Review!]! }
type Review { id: ID!, body: String! }`;

/** The products and reviews subgraphs as real HTTP servers. */
export async function startRegistrySubgraphs(): Promise<{ products: TestSubgraph; reviews: TestSubgraph; stop(): Promise<void> }> {
  const product = (id: string) => ({ id, name: `Product ${id}`, price: Number(id) * 100, stock: Number(id) });
  const products = await startTestSubgraph('products', PRODUCTS_FULL_SDL, {
    Query: { products: () => ['1', '2'].map(product), product: (_: unknown, { id }: { id: string }) => product(id) },
    Product: { __resolveReference: (ref: { id: string }) => product(ref.id) },
  });
  const reviews = await startTestSubgraph('reviews', REVIEWS_SDL, {
    Product: { __resolveReference: (ref: { id: string }) => ({ id: ref.id, reviews: [{ id: `r${ref.id}`, body: `About ${ref.id}` }] }) },
  });
  return { products, reviews, stop: async () => void (await Promise.all([products.stop(), reviews.stop()])) };
}

/** A supergraph.yaml naming the subgraphs by inline SDL (what seeds an empty registry). */
export function seedYaml(subgraphs: ReadonlyArray<{ name: string; url: string; sdl: string }>): string {
  const lines = ['federation_version: =2.9.3', 'subgraphs:'];
  for (const s of subgraphs) lines.push(`  ${s.name}:`, `    routing_url: ${s.url}`, '    schema:', `      sdl: ${JSON.stringify(s.sdl)}`);
  return writeTemp('supergraph.yaml', lines.join('\n'));
}

export interface RegistryGateway {
  junction: Junction;
  url: string;
  admin(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: any }>;
  query(query: string): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'junction-registry-'));
}

/** A gateway with the registry on (file storage in `dataDir` unless the YAML says otherwise). */
export async function startRegistryGateway(options: { dataDir: string; seed?: string; yaml?: string; registryYaml?: string }): Promise<RegistryGateway> {
  const yaml = `registry:\n  enabled: true\n  dataDir: ${options.dataDir}\n  pollIntervalMs: 200\n${options.registryYaml ?? ''}admin:\n  token:\n    value: ${ADMIN_TOKEN}\n${options.yaml ?? ''}`;
  const junction = await startJunction({ config: testConfig(yaml), ...(options.seed ? { supergraph: { path: options.seed } } : {}), logger: createLogger('silent') });
  const origin = junction.url.replace('/graphql', '');
  return {
    junction,
    url: junction.url,
    admin: async (method, path, body, token = ADMIN_TOKEN) => {
      const res = await fetch(`${origin}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, body: (await res.json()) as unknown };
    },
    query: (query) => postGraphQL(junction.url, { query }),
    stop: () => junction.stop(),
  };
}
