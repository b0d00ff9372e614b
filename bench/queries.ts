import { createHash } from 'node:crypto';

/** One thing to measure: a GraphQL operation sent, unchanged, on every request (or a few, in turn). */
export interface Workload {
  /** Short id used in the table and in latest.json. */
  readonly name: string;
  readonly description: string;
  /** The operation; with `rotation`, the first of them (what latest.json shows). */
  readonly query: string;
  readonly operationName?: string;
  /** Sent as an APQ hash only (the query is registered once before the run). */
  readonly persisted?: boolean;
  /** Anonymous operations each connection sends in turn instead of `query`; each is checked against stock's answer to it. */
  readonly rotation?: readonly string[];
  /** Junction's runs, each a fresh process; default one run, "junction", with the bench's gateway.yaml. */
  readonly junctionRuns?: readonly JunctionRun[];
  /** Print the subgraph traffic table (it is in latest.json for every workload). */
  readonly showTraffic?: boolean;
  /** Count the measured responses carrying this header (the response cache marks its hits with `age`). */
  readonly countHeader?: string;
  /** The subgraphs behind fronts that answer every request `Cache-Control: public, max-age=60` (whole answers cacheable). */
  readonly publicSubgraphs?: boolean;
  /**
   * Revalidation: every request carries `If-None-Match` with the ETag of the gateway's first answer (when it gave
   * one; stock gives none and answers in full), and a 304 with no body counts as a correct answer.
   */
  readonly revalidate?: boolean;
}

/** One configuration of Junction to measure. */
export interface JunctionRun {
  /** Row label in the tables, e.g. "junction+entity-cache". */
  readonly label: string;
  /** YAML appended to the bench's gateway.yaml (which holds only `auth:`). */
  readonly config?: string;
  /** Extra `junction serve` arguments, e.g. `--workers 2`. */
  readonly args?: readonly string[];
}

const RESPONSE_CACHE = 'cache:\n  response:\n    enabled: true\n';
const ENTITY_CACHE = 'cache:\n  entities:\n    enabled: true\n';
/** Hive Router's planner (@graphql-hive/router-query-planner) instead of @apollo/query-planner; same executor. */
export const APOLLO_PLANNER = 'queryPlan:\n  planner: apollo\n';
/** Junction with each planner, side by side (the first is the default, Apollo's). */
// `junction` runs the default planner (rust); `junction+apollo` the other one.
const BOTH_PLANNERS: readonly JunctionRun[] = [{ label: 'junction' }, { label: 'junction+apollo', config: APOLLO_PLANNER }];
/** `--workers 2` (docs/workers.md): two gateway processes on one port, on a machine the load generator shares. */
const TWO_WORKERS: JunctionRun = { label: 'junction --workers 2', args: ['--workers', '2'] };
/** Rate limits with the in-memory store: with workers, each request's budget is spent in the supervisor over IPC. */
const RATE_LIMITED = 'rateLimit:\n  enabled: true\n  perClient:\n    requests: 1000000000\n';

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

/**
 * Operations that share entities: topProducts(first: 1..20) and product(upc: "1".."20"), each with the
 * products' stock, reviews, authors and the authors' other reviewed products. Each text is different (so a
 * response cache could not answer one with another), but the Product, Review and User entities recur: the
 * inventory, reviews, accounts and products `_entities` fetches select the same fields for the same keys.
 * Anonymous on purpose: a named operation's subgraph fetches carry its name, so they would not share entries.
 */
const OVERLAP_SELECTION = 'upc name price inStock reviews { id body author { id name reviews { id product { upc name } } } }';
export const OVERLAPPING_QUERIES: readonly string[] = Array.from({ length: 20 }, (_, i) => [
  `{ topProducts(first: ${i + 1}) { ${OVERLAP_SELECTION} } }`,
  `{ product(upc: "${i + 1}") { ${OVERLAP_SELECTION} } }`,
]).flat();

export const WORKLOADS: readonly Workload[] = [
  {
    name: 'benchmark',
    description: "The Guild's federation benchmark query",
    query: BENCHMARK_QUERY,
    operationName: 'TestQuery',
    junctionRuns: [...BOTH_PLANNERS, TWO_WORKERS],
    showTraffic: true,
  },
  {
    name: 'benchmark-cached',
    description: "The Guild's benchmark query, Junction with cache.response.enabled (entries live 5 s: inventory's max-age)",
    query: BENCHMARK_QUERY,
    operationName: 'TestQuery',
    junctionRuns: [{ label: 'junction', config: RESPONSE_CACHE }],
    showTraffic: true,
    countHeader: 'age',
  },
  {
    name: 'cache-hit',
    description: "The Guild's benchmark query, every subgraph answer public max-age=60, Junction with cache.response.enabled: every request a hit",
    query: BENCHMARK_QUERY,
    operationName: 'TestQuery',
    junctionRuns: [{ label: 'junction', config: RESPONSE_CACHE }],
    publicSubgraphs: true,
    showTraffic: true,
    countHeader: 'age',
  },
  {
    name: 'cache-304',
    description: "As cache-hit, each request revalidating with If-None-Match: Junction answers 304 (stock has no ETag: full answers)",
    query: BENCHMARK_QUERY,
    operationName: 'TestQuery',
    junctionRuns: [{ label: 'junction', config: RESPONSE_CACHE }],
    publicSubgraphs: true,
    revalidate: true,
    countHeader: 'age',
  },
  {
    name: 'small',
    description: '{ me { name } }',
    query: SMALL_QUERY,
    junctionRuns: [...BOTH_PLANNERS, TWO_WORKERS, { label: 'junction +rate-limit', config: RATE_LIMITED }, { ...TWO_WORKERS, label: 'junction --workers 2 +rate-limit', config: RATE_LIMITED }],
  },
  { name: 'small-apq', description: '{ me { name } } by APQ hash only (registered once before the run)', query: SMALL_QUERY, persisted: true },
  {
    name: 'overlapping',
    description: `${OVERLAPPING_QUERIES.length} overlapping operations in turn: topProducts(first: 1..20), product(upc: "1".."20") with reviews, authors, their reviews' products`,
    query: OVERLAPPING_QUERIES[0] ?? '',
    rotation: OVERLAPPING_QUERIES,
    junctionRuns: [{ label: 'junction' }, { label: 'junction+entity-cache', config: ENTITY_CACHE }],
    showTraffic: true,
  },
];

/** The POST bodies, built once: every request of a run sends exactly one of these (in turn). */
export function requestBodies(workload: Workload): readonly string[] {
  if (workload.rotation) return workload.rotation.map((query) => JSON.stringify({ query }));
  const operationName = workload.operationName === undefined ? {} : { operationName: workload.operationName };
  return [JSON.stringify(workload.persisted ? { ...operationName, extensions: apqExtension(workload.query) } : { query: workload.query, ...operationName })];
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
