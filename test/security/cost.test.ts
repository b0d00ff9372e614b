import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeSubgraphs } from '../../src/composition';
import { startAllSubgraphs, SUBGRAPH_NAMES, type RunningFleet } from '../../subgraphs';
import { startGatewayOn, type TestGateway } from '../helpers/gateway';
import { BENCHMARK_QUERY } from '../../bench/queries';

/** Demand control on the sample supergraph (annotated with @listSize / @cost). */
describe('demand control', () => {
  let fleet: RunningFleet;
  let supergraphSdl: string;
  let gateway: TestGateway;

  const productCalls = (): number => Object.values(fleet.byName.products.dataLayer.calls).reduce((a, b) => a + b, 0);

  beforeAll(async () => {
    fleet = await startAllSubgraphs();
    const composed = composeSubgraphs(
      SUBGRAPH_NAMES.map((name) => ({ name, url: fleet.byName[name].url, sdl: readFileSync(join(__dirname, '../../subgraphs', name, 'schema.graphql'), 'utf8') })),
    );
    if (!composed.ok) throw new Error(JSON.stringify(composed.errors));
    supergraphSdl = composed.supergraphSdl;
    gateway = await startGatewayOn({ sdl: supergraphSdl }, 'cost:\n  max: 110\n');
  });
  afterAll(async () => {
    await gateway.stop();
    await fleet.stop();
  });

  const refusedForCost = async (query: string, variables: Record<string, unknown> | undefined, estimated: number): Promise<void> => {
    const before = productCalls();
    const res = await gateway.post(query, variables);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      {
        message: `The operation's estimated cost (${estimated}) exceeds the maximum of 110.`,
        extensions: { code: 'COST_ESTIMATED_TOO_EXPENSIVE', 'cost.estimated': estimated, 'cost.max': 110 },
      },
    ]);
    expect(productCalls()).toBe(before);
  };

  it('passes an operation whose estimated cost is exactly the maximum', async () => {
    // 10 products × (1 + 10 assumed reviews × 1)
    const res = await gateway.post('{ topProducts(first: 10) { name reviews { body } } }');
    expect(res.status).toBe(200);
    expect((res.body.data as { topProducts: unknown[] }).topProducts).toHaveLength(10);
  });

  it('refuses one over, before any subgraph is called', async () => {
    await refusedForCost('{ topProducts(first: 11) { name reviews { body } } }', undefined, 121);
  });

  it('reads the slicing argument from variables, including a huge one and a variable default', async () => {
    await refusedForCost('query($n: Int) { topProducts(first: $n) { name reviews { body } } }', { n: 1_000_000_000 }, 11_000_000_000);
    await refusedForCost('query($n: Int = 50) { topProducts(first: $n) { name reviews { body } } }', undefined, 550);
    const cheap = await gateway.post('query($n: Int) { topProducts(first: $n) { name } }', { n: 3 });
    expect(cheap.status).toBe(200);
  });

  it('reports estimated and actual cost when asked with Junction-Expose-Cost', async () => {
    const res = await gateway.post('{ topProducts(first: 2) { name reviews { body } } }', undefined, { 'Junction-Expose-Cost': 'true' });
    expect(res.status).toBe(200);
    // Estimated: 2 × (1 + 10). Actual: 2 products + their 3 reviews each.
    expect(res.body.extensions?.cost).toEqual({ estimated: 22, actual: 8, max: 110, mode: 'enforce' });
  });

  it('reports the estimated cost on a dry-run', async () => {
    const res = await gateway.post('{ topProducts(first: 3) { name } }', undefined, { 'Apollo-Expose-Query-Plan': 'dry-run' });
    expect(res.body.extensions?.cost).toEqual({ estimated: 3, max: 110, mode: 'enforce' });
  });

  it('serves over-budget operations in measure mode', async () => {
    const measured = await startGatewayOn({ sdl: supergraphSdl }, 'cost:\n  max: 10\n  mode: measure\n');
    try {
      const res = await measured.post(BENCHMARK_QUERY, undefined, { 'Junction-Expose-Cost': 'true' }, 'TestQuery');
      expect(res.status).toBe(200);
      expect(res.body.errors).toBeUndefined();
      expect(res.body.extensions?.cost).toMatchObject({ estimated: 12325, max: 10, mode: 'measure' });
    } finally {
      await measured.stop();
    }
  });

  it('accepts the benchmark query with the default maximum', async () => {
    const defaults = await startGatewayOn({ sdl: supergraphSdl });
    try {
      const res = await defaults.post(BENCHMARK_QUERY, undefined, {}, 'TestQuery');
      expect(res.status).toBe(200);
      expect(res.body.errors).toBeUndefined();
    } finally {
      await defaults.stop();
    }
  });
});
