import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { operationFromDocument, ROUTER_SUPPORTED_SUPERGRAPH_FEATURES, Supergraph } from '@apollo/federation-internals';
import { QueryPlanner } from '@apollo/query-planner';
import { parse } from 'graphql';
import { composeSubgraphs } from '../../../src/composition';
import { prepareOperation } from '../../../src/gateway/execution';
import { BENCHMARK_QUERY } from '../../../bench/queries';

const names = ['accounts', 'inventory', 'products', 'reviews'];
const composed = composeSubgraphs(
  names.map((name) => ({ name, url: `http://${name}/graphql`, sdl: readFileSync(join(__dirname, '../../../subgraphs', name, 'schema.graphql'), 'utf8') })),
);
if (!composed.ok) throw new Error('composition failed');
const supergraph = Supergraph.build(composed.supergraphSdl, { supportedFeatures: ROUTER_SUPPORTED_SUPERGRAPH_FEATURES });
const apiSchema = supergraph.apiSchema();
const planner = new QueryPlanner(supergraph);

function prepare(query: string, operationName?: string) {
  const document = parse(query);
  const plan = planner.buildQueryPlan(operationFromDocument(apiSchema, document, { operationName }));
  return prepareOperation(plan, document, operationName, apiSchema.toGraphQLJSSchema());
}

describe('prepareOperation', () => {
  it('runs the benchmark query on Junction’s executor', () => {
    expect(prepare(BENCHMARK_QUERY, 'TestQuery').fast).toEqual({ shaper: expect.any(Function), variableDefaults: {} });
  });

  it('runs mutations and @skip/@include conditions on Junction’s executor', () => {
    expect(prepare('mutation { createReview(input: { productUpc: "1", body: "x" }) { id } }').fast).toEqual({ shaper: expect.any(Function), variableDefaults: {} });
    expect(prepare('query($s: Boolean!) { topProducts { name inStock @skip(if: $s) } }').fast).toEqual({ shaper: expect.any(Function), variableDefaults: {} });
  });

  it('leaves introspection inside an operation to @apollo/gateway’s executor', () => {
    expect(prepare('{ __schema { queryType { name } } topProducts { name } }').fast).toBeUndefined();
  });
});
