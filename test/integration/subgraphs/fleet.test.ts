import { ApolloServer } from '@apollo/server';
import { withoutSecurityFeatures } from '../../../bench/stockSupergraph';
import { ApolloGateway } from '@apollo/gateway';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { SUBGRAPH_NAMES, startAllSubgraphs, type RunningFleet } from '../../../subgraphs';
import { postGraphQL } from './helpers';

interface ProductView {
  upc: string;
  name: string;
  inStock: boolean;
  shippingEstimate: number;
  reviews: Array<{ id: string; author: { name: string } }>;
}

describe('all four subgraphs together', () => {
  let fleet: RunningFleet;
  let supergraphSdl: string;

  beforeAll(async () => {
    fleet = await startAllSubgraphs();
    // Compose from what each running service publishes, as a gateway would.
    const services = await Promise.all(
      fleet.subgraphs.map(async ({ name, url }) => {
        const res = await postGraphQL<{ _service: { sdl: string } }>(url, '{ _service { sdl } }');
        return { name, url, typeDefs: parse(res.data?._service.sdl ?? '') };
      }),
    );
    const composed = composeServices(services);
    expect(composed.errors).toBeUndefined();
    supergraphSdl = composed.supergraphSdl ?? '';
  });
  afterAll(() => fleet.stop());

  it('starts every subgraph on its own free port', () => {
    expect(fleet.subgraphs.map((s) => s.name)).toEqual([...SUBGRAPH_NAMES]);
    expect(new Set(fleet.subgraphs.map((s) => s.port)).size).toBe(4);
    expect(fleet.byName.reviews.url).toBe(`http://127.0.0.1:${fleet.byName.reviews.port}/graphql`);
  });

  it('composes into a supergraph that joins all four', () => {
    expect(supergraphSdl).toMatch(/shippingEstimate: Int @join__field\(graph: INVENTORY, requires: "price weight"\)/);
    expect(supergraphSdl).toContain('createReview(input: CreateReviewInput!): Review');
  });

  it('answers a cross-subgraph query through a gateway with one lookup per subgraph', async () => {
    const { accounts, inventory, products, reviews } = fleet.byName;
    const before = {
      users: accounts.dataLayer.calls.usersByIds,
      stock: inventory.dataLayer.calls.stockByUpcs,
      top: products.dataLayer.calls.topProducts,
      productReviews: reviews.dataLayer.calls.reviewsByProductUpcs,
    };
    const gateway = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl: withoutSecurityFeatures(supergraphSdl) }) });
    await gateway.start();
    try {
      const res = await gateway.executeOperation({
        query: '{ topProducts(first: 50) { upc name inStock shippingEstimate reviews { id author { name } } } }',
      });
      const body = res.body.kind === 'single' ? res.body.singleResult : undefined;
      expect(body?.errors).toBeUndefined();
      const top = (body?.data as { topProducts: ProductView[] } | undefined)?.topProducts ?? [];

      expect(top).toHaveLength(50);
      expect(top[0]).toEqual({
        upc: '1',
        name: 'Trusty Kettle',
        inStock: true,
        shippingEstimate: 19,
        reviews: [
          { id: '50', author: { name: 'Radia Dijkstra' } },
          { id: '100', author: { name: 'Radia Perlman' } },
          { id: '150', author: { name: 'Radia Dijkstra' } },
        ],
      });
      expect(top[1]?.shippingEstimate).toBe(0);
      // 150 review authors, 50 stock levels, 50 review lists: one data-layer call each.
      expect(accounts.dataLayer.calls.usersByIds - before.users).toBe(1);
      expect(inventory.dataLayer.calls.stockByUpcs - before.stock).toBe(1);
      expect(products.dataLayer.calls.topProducts - before.top).toBe(1);
      expect(reviews.dataLayer.calls.reviewsByProductUpcs - before.productReviews).toBe(1);
    } finally {
      await gateway.stop();
    }
  });
});
