import { createHash } from 'node:crypto';
import { startTestSubgraph, type TestSubgraph } from '../../helpers/subgraph';

/** A small real subgraph for the persisted-operation tests: products, a recursive field (for limits), a mutation. */
export function startCatalog(): Promise<TestSubgraph> {
  let touches = 0;
  return startTestSubgraph(
    'catalog',
    `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
     type Query { product(id: ID!): Product, products: [Product!]!, node: Node }
     type Mutation { touch: Int! }
     type Product @key(fields: "id") { id: ID!, name: String! }
     type Node { id: ID!, child: Node }`,
    {
      Query: {
        product: (_: unknown, { id }: { id: string }) => ({ id, name: `Product ${id}` }),
        products: () => [1, 2, 3].map((i) => ({ id: String(i), name: `Product ${i}` })),
        node: () => ({ id: '0' }),
      },
      Mutation: { touch: () => ++touches },
      Node: { child: (n: { id: string }) => ({ id: String(Number(n.id) + 1) }) },
    },
  );
}

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

export const apq = (query: string) => ({ persistedQuery: { version: 1, sha256Hash: sha256(query) } });

/** A manifest file body in Apollo's format. */
export function manifest(operations: Array<{ body: string; name?: string; id?: string; clientName?: string }>): string {
  return JSON.stringify({
    format: 'apollo-persisted-query-manifest',
    version: 1,
    operations: operations.map((op) => ({ id: op.id ?? sha256(op.body), name: op.name ?? /^\s*(?:query|mutation)\s+(\w+)/.exec(op.body)?.[1] ?? '', type: 'query', body: op.body, ...(op.clientName ? { clientName: op.clientName } : {}) })),
  });
}
