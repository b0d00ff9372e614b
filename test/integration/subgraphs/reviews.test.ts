import { startSubgraph, type RunningSubgraph, type SubgraphDataLayers } from '../../../subgraphs';
import { fetchEntities, fetchSdl, ids } from './helpers';

type Reviews = RunningSubgraph<SubgraphDataLayers['reviews']>;

interface Review {
  id: string;
  body?: string | null;
  author?: { id: string } | null;
  product?: { upc: string } | null;
}

interface WithReviews {
  reviews: Review[] | null;
}

describe('reviews subgraph: reading', () => {
  let reviews: Reviews;

  beforeAll(async () => {
    reviews = await startSubgraph('reviews', { port: 0 });
  });
  afterAll(() => reviews.stop());

  it('resolves Product.reviews for all 50 products with exactly one data-layer call', async () => {
    const before = reviews.dataLayer.calls.reviewsByProductUpcs;
    const res = await fetchEntities<WithReviews & { upc: string }>(
      reviews.url,
      ids(50).map((upc) => ({ __typename: 'Product', upc })),
      '... on Product { upc reviews { id product { upc } } }',
    );

    expect(res.errors).toBeUndefined();
    expect(reviews.dataLayer.calls.reviewsByProductUpcs - before).toBe(1);
    const products = res.data?._entities ?? [];
    expect(products).toHaveLength(50);
    for (const product of products) {
      expect(product?.reviews).toHaveLength(3);
      for (const review of product?.reviews ?? []) expect(review.product).toEqual({ upc: product?.upc });
    }
    const allIds = products.flatMap((p) => p?.reviews?.map((r) => r.id) ?? []);
    expect(allIds.sort((a, b) => Number(a) - Number(b))).toEqual(ids(150));
    expect(products[0]?.reviews?.map((r) => r.id)).toEqual(['50', '100', '150']);
  });

  it('resolves User.reviews for 100 users with exactly one data-layer call', async () => {
    const before = reviews.dataLayer.calls.reviewsByAuthorIds;
    const res = await fetchEntities<WithReviews>(
      reviews.url,
      ids(100).map((id) => ({ __typename: 'User', id })),
      '... on User { reviews { id body author { id } product { upc } } }',
    );

    expect(res.errors).toBeUndefined();
    expect(reviews.dataLayer.calls.reviewsByAuthorIds - before).toBe(1);
    const users = res.data?._entities ?? [];
    expect(users[0]?.reviews).toEqual([
      { id: '1', body: 'Does exactly what it says.', author: { id: '1' }, product: { upc: '8' } },
      { id: '101', body: 'Better than expected.', author: { id: '1' }, product: { upc: '8' } },
    ]);
    expect(users[99]?.reviews?.map((r) => r.id)).toEqual(['100']);
    expect(users.reduce((n, u) => n + (u?.reviews?.length ?? 0), 0)).toBe(150);
  });

  it('resolves 150 Review references, with author and product as references, in one call', async () => {
    const before = reviews.dataLayer.calls.reviewsByIds;
    const res = await fetchEntities<Review>(
      reviews.url,
      ids(150).map((id) => ({ __typename: 'Review', id })),
      '... on Review { id author { id } product { upc } }',
    );

    expect(reviews.dataLayer.calls.reviewsByIds - before).toBe(1);
    res.data?._entities.forEach((review, i) => {
      const k = i + 1;
      expect(review).toEqual({
        id: String(k),
        author: { id: String(((k - 1) % 100) + 1) },
        product: { upc: String(((k * 7) % 50) + 1) },
      });
    });
  });

  it('publishes the Review entity and the extensions of User and Product', async () => {
    const sdl = await fetchSdl(reviews.url);
    expect(sdl).toContain('type Review @key(fields: "id") @cacheControl(maxAge: 30) { id: ID! body: String author: User product: Product }');
    expect(sdl).toContain('type User @key(fields: "id") @cacheControl(maxAge: 30) { id: ID! reviews: [Review] @listSize(assumedSize: 5) }');
    expect(sdl).toContain('type Product @key(fields: "upc") @cacheControl(maxAge: 30) { upc: String! reviews: [Review] @listSize(assumedSize: 10) }');
    expect(sdl).toContain('createReview(input: CreateReviewInput!): Review');
  });
});
