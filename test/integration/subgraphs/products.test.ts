import { startSubgraph, type RunningSubgraph, type SubgraphDataLayers } from '../../../subgraphs';
import { fetchEntities, fetchSdl, ids, postGraphQL } from './helpers';

interface Product {
  upc: string;
  name: string | null;
  price: number | null;
  weight: number | null;
}

describe('products subgraph over HTTP', () => {
  let products: RunningSubgraph<SubgraphDataLayers['products']>;

  beforeAll(async () => {
    products = await startSubgraph('products', { port: 0 });
  });
  afterAll(() => products.stop());

  it('answers topProducts and product with the seeded catalog', async () => {
    const res = await postGraphQL<{ topProducts: Product[]; one: Product; last: Product; missing: Product | null }>(
      products.url,
      `{ topProducts { upc name }
         one: product(upc: "1") { upc name price weight }
         last: product(upc: "50") { upc name price weight }
         missing: product(upc: "51") { upc } }`,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.topProducts).toEqual([
      { upc: '1', name: 'Trusty Kettle' },
      { upc: '2', name: 'Compact Kettle' },
      { upc: '3', name: 'Deluxe Kettle' },
      { upc: '4', name: 'Rugged Kettle' },
      { upc: '5', name: 'Quiet Kettle' },
    ]);
    expect(res.data?.one).toEqual({ upc: '1', name: 'Trusty Kettle', price: 712, weight: 38 });
    expect(res.data?.last).toEqual({ upc: '50', name: 'Mighty Bicycle', price: 749, weight: 51 });
    expect(res.data?.missing).toBeNull();
  });

  it('returns the whole catalog of 50 distinct products for a large first:', async () => {
    const res = await postGraphQL<{ topProducts: Product[] }>(products.url, '{ topProducts(first: 100) { upc name } }');
    expect(res.data?.topProducts.map((p) => p.upc)).toEqual(ids(50));
    expect(new Set(res.data?.topProducts.map((p) => p.name)).size).toBe(50);
  });

  it('resolves 50 Product references with exactly one data-layer call', async () => {
    const before = products.dataLayer.calls.productsByUpcs;
    const res = await fetchEntities<Product>(
      products.url,
      ids(50).map((upc) => ({ __typename: 'Product', upc })),
      '... on Product { upc name price weight }',
    );
    expect(res.errors).toBeUndefined();
    expect(products.dataLayer.calls.productsByUpcs - before).toBe(1);
    expect(res.data?._entities.map((p) => p?.upc)).toEqual(ids(50));
    expect(res.data?._entities[1]).toEqual({ upc: '2', name: 'Compact Kettle', price: 1325, weight: 15 });
  });

  it('publishes Product as an entity keyed by upc', async () => {
    const sdl = await fetchSdl(products.url);
    expect(sdl).toContain('type Product @key(fields: "upc") @cacheControl(maxAge: 60) { upc: String! name: String price: Int weight: Int }');
    expect(sdl).toContain('topProducts(first: Int = 5): [Product]');
  });
});
