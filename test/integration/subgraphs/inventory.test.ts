import { startSubgraph, type RunningSubgraph, type SubgraphDataLayers } from '../../../subgraphs';
import { fetchEntities, fetchSdl, ids } from './helpers';

interface StockedProduct {
  upc: string;
  inStock: boolean | null;
  shippingEstimate: number | null;
}

const SELECTION = '... on Product { upc inStock shippingEstimate }';

describe('inventory subgraph over HTTP', () => {
  let inventory: RunningSubgraph<SubgraphDataLayers['inventory']>;

  beforeAll(async () => {
    inventory = await startSubgraph('inventory', { port: 0 });
  });
  afterAll(() => inventory.stop());

  it('computes shippingEstimate from the price and weight in each representation', async () => {
    const res = await fetchEntities<StockedProduct>(
      inventory.url,
      [
        { __typename: 'Product', upc: '1', price: 712, weight: 38 },
        { __typename: 'Product', upc: '2', price: 1325, weight: 15 },
        { __typename: 'Product', upc: '7', price: 1000, weight: 3 },
        // Same product, different required fields: the estimate follows the representation.
        { __typename: 'Product', upc: '1', price: 5000, weight: 38 },
      ],
      SELECTION,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?._entities).toEqual([
      { upc: '1', inStock: true, shippingEstimate: 19 },
      { upc: '2', inStock: true, shippingEstimate: 0 },
      { upc: '7', inStock: false, shippingEstimate: 2 },
      { upc: '1', inStock: true, shippingEstimate: 0 },
    ]);
  });

  it('answers null shippingEstimate when the required fields are missing', async () => {
    const res = await fetchEntities<StockedProduct>(inventory.url, [{ __typename: 'Product', upc: '3' }], SELECTION);
    expect(res.data?._entities).toEqual([{ upc: '3', inStock: true, shippingEstimate: null }]);
  });

  it('gives null for products it does not stock', async () => {
    const res = await fetchEntities<StockedProduct>(inventory.url, [{ __typename: 'Product', upc: '999' }], SELECTION);
    expect(res.data?._entities).toEqual([null]);
  });

  it('resolves 50 Product references with exactly one data-layer call', async () => {
    const before = inventory.dataLayer.calls.stockByUpcs;
    const res = await fetchEntities<StockedProduct>(
      inventory.url,
      ids(50).map((upc) => ({ __typename: 'Product', upc, price: 100, weight: 10 })),
      SELECTION,
    );
    expect(res.errors).toBeUndefined();
    expect(inventory.dataLayer.calls.stockByUpcs - before).toBe(1);
    const outOfStock = res.data?._entities.filter((p) => p?.inStock === false).map((p) => p?.upc);
    expect(outOfStock).toEqual(['7', '14', '21', '28', '35', '42', '49']);
    expect(res.data?._entities.every((p) => p?.shippingEstimate === 5)).toBe(true);
  });

  it('declares price and weight as external fields that shippingEstimate requires', async () => {
    const sdl = await fetchSdl(inventory.url);
    expect(sdl).toContain('weight: Int @external price: Int @external');
    expect(sdl).toContain('shippingEstimate: Int @requires(fields: "price weight")');
  });
});
