// Microbenchmark: the CPU Junction's request limits and demand control add per request, on the benchmark
// query — the cached path every repeated request takes, and the first sight of an operation.
// Run: node dist/bench/validationCost.js   (prints µs per request; compare with CPU ms/request from npm run bench)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROUTER_SUPPORTED_SUPERGRAPH_FEATURES, Supergraph } from '@apollo/federation-internals';
import { parse, validate } from 'graphql';
import { composeSubgraphs } from '../src/composition';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/observability';
import { costIndexOf, createRequestLimits, estimateCost } from '../src/security';
import { BENCHMARK_QUERY } from './queries';

const names = ['accounts', 'inventory', 'products', 'reviews'];
const composed = composeSubgraphs(names.map((name) => ({ name, url: `http://${name}`, sdl: readFileSync(join(__dirname, '../../subgraphs', name, 'schema.graphql'), 'utf8') })));
if (!composed.ok) throw new Error('composition failed');
const supergraph = Supergraph.build(composed.supergraphSdl, { supportedFeatures: ROUTER_SUPPORTED_SUPERGRAPH_FEATURES });
const apiSchema = supergraph.apiSchema().toGraphQLJSSchema();
const config = loadConfig({ env: {} });
if (!config.ok) throw new Error(config.problems.join());
const index = costIndexOf(supergraph.schema.toGraphQLJSSchema());
const document = parse(BENCHMARK_QUERY);
if (validate(apiSchema, document).length > 0) throw new Error('invalid');

const time = (label: string, iterations: number, fn: (i: number) => void): void => {
  for (let i = 0; i < Math.min(iterations, 1000); i++) fn(i);
  const start = process.cpuUsage();
  for (let i = 0; i < iterations; i++) fn(i);
  const used = process.cpuUsage(start);
  console.log(`${label.padEnd(58)} ${(((used.user + used.system) / iterations)).toFixed(2).padStart(8)} µs`);
};

const limits = createRequestLimits({ limits: config.value.limits, logger: createLogger('silent'), explainOnDryRun: false });
// A fresh string each time, as each request's JSON.parse gives one.
time('limits, repeated operation (HTTP preflight + plugin)', 200_000, () => {
  const source = JSON.parse(JSON.stringify(BENCHMARK_QUERY)) as string;
  limits.preflight(source, 'TestQuery');
  limits.preflight(source, 'TestQuery');
});
time('JSON round trip of the query text alone (subtract from above)', 200_000, () => {
  JSON.parse(JSON.stringify(BENCHMARK_QUERY));
});
time('limits, first sight of an operation (scan + parse + measure)', 5_000, (i) => {
  createRequestLimits({ limits: config.value.limits, logger: createLogger('silent'), explainOnDryRun: false }).preflight(`${BENCHMARK_QUERY} # ${i}`, 'TestQuery');
});
time('cost estimate (computed; cached per document when no variables)', 20_000, () => {
  estimateCost(index, apiSchema, document, 'TestQuery', {}, config.value.cost);
});
