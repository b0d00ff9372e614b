/** The sample subgraphs, in the order they are started and listed. */
export const SUBGRAPH_NAMES = ['accounts', 'inventory', 'products', 'reviews'] as const;

export type SubgraphName = (typeof SUBGRAPH_NAMES)[number];

/** Ports used by `subgraphs/main.ts` and local gateway configs; tests use port 0 instead. */
export const DEFAULT_PORTS: Readonly<Record<SubgraphName, number>> = {
  accounts: 4001,
  inventory: 4002,
  products: 4003,
  reviews: 4004,
};

export function isSubgraphName(value: string): value is SubgraphName {
  return (SUBGRAPH_NAMES as readonly string[]).includes(value);
}
