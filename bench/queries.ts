/** One thing to measure: a GraphQL operation sent, unchanged, on every request. */
export interface Workload {
  /** Short id used in the table and in latest.json. */
  readonly name: string;
  readonly description: string;
  readonly query: string;
  readonly operationName?: string;
}

/**
 * The Guild's federation benchmark query (graphql-hive/federation-benchmarks): deep nesting
 * across all four subgraphs, so planning, entity fetches and result merging all matter.
 */
export const BENCHMARK_QUERY = `fragment User on User { id username name }
fragment Review on Review { id body }
fragment Product on Product { inStock name price shippingEstimate upc weight }
query TestQuery {
  users { ...User reviews { ...Review product { ...Product reviews { ...Review author { ...User reviews { ...Review product { ...Product } } } } } } }
  topProducts { ...Product reviews { ...Review author { ...User reviews { ...Review product { ...Product } } } } }
}`;

/** One fetch to one subgraph: shows the gateway's fixed per-request overhead. */
export const SMALL_QUERY = '{ me { name } }';

export const WORKLOADS: readonly Workload[] = [
  { name: 'benchmark', description: "The Guild's federation benchmark query", query: BENCHMARK_QUERY, operationName: 'TestQuery' },
  { name: 'small', description: '{ me { name } }', query: SMALL_QUERY },
];

/** The POST body, built once: every request of a run sends exactly these bytes. */
export function requestBody(workload: Workload): string {
  return JSON.stringify(
    workload.operationName === undefined
      ? { query: workload.query }
      : { query: workload.query, operationName: workload.operationName },
  );
}
