import { createResolvers } from '../../../subgraphs/inventory/resolvers';
import { startSubgraph, type RunningSubgraph } from '../../../subgraphs';
import { fetchEntities } from './helpers';

const DELAY_MS = 250;
const PRODUCT = { upc: '1', price: 712, weight: 38, inStock: true };

/** The @defer demo's slow field: `shippingEstimate` waits only when a delay is configured. */
describe('inventory shippingEstimate delay', () => {
  it('resolves synchronously without a delay, so tests and the benchmark see the subgraph unchanged', () => {
    const estimate = createResolvers({ shippingDelayMs: 0 }).Product.shippingEstimate(PRODUCT);
    expect(estimate).toBe(19);
  });

  it('answers no sooner than the configured delay, with the same value', async () => {
    const started = performance.now();
    const estimate = createResolvers({ shippingDelayMs: DELAY_MS }).Product.shippingEstimate(PRODUCT);
    expect(estimate).toBeInstanceOf(Promise);
    await expect(estimate).resolves.toBe(19);
    // Timers may fire a millisecond early against performance.now(); allow that much.
    expect(performance.now() - started).toBeGreaterThanOrEqual(DELAY_MS - 1);
  });

  describe('over HTTP, set through startSubgraph', () => {
    let slow: RunningSubgraph;
    beforeAll(async () => {
      slow = await startSubgraph('inventory', { port: 0, shippingDelayMs: DELAY_MS });
    });
    afterAll(() => slow.stop());

    it('delays a request that selects shippingEstimate', async () => {
      const reps = [{ __typename: 'Product', upc: '1', price: 712, weight: 38 }];
      const started = performance.now();
      const res = await fetchEntities(slow.url, reps, '... on Product { upc shippingEstimate }');
      expect(performance.now() - started).toBeGreaterThanOrEqual(DELAY_MS - 1);
      expect(res.data?._entities).toEqual([{ upc: '1', shippingEstimate: 19 }]);
    });
  });
});
