import { createHash } from 'node:crypto';

/** One thing to measure: a GraphQL operation sent, unchanged, on every request. */
export interface Workload {
  /** Short id used in the table and in latest.json. */
  readonly name: string;
  readonly description: string;
  readonly query: string;
  readonly operationName?: string;
  /** Sent as an APQ hash only (the query is registered once before the run). */
  readonly persisted?: boolean;
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
  { name: 'small-apq', description: '{ me { name } } by APQ hash only (registered once before the run)', query: SMALL_QUERY, persisted: true },
];

/** The POST body, built once: every request of a run sends exactly these bytes. */
export function requestBody(workload: Workload): string {
  const operationName = workload.operationName === undefined ? {} : { operationName: workload.operationName };
  return JSON.stringify(workload.persisted ? { ...operationName, extensions: apqExtension(workload.query) } : { query: workload.query, ...operationName });
}

/** The request that registers a persisted workload's query (APQ: the query with its hash). */
export function registrationBody(workload: Workload): string | undefined {
  if (!workload.persisted) return undefined;
  const operationName = workload.operationName === undefined ? {} : { operationName: workload.operationName };
  return JSON.stringify({ query: workload.query, ...operationName, extensions: apqExtension(workload.query) });
}

function apqExtension(query: string): { persistedQuery: { version: 1; sha256Hash: string } } {
  return { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') } };
}
