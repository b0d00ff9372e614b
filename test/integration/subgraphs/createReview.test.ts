import { identityHeader } from '../../helpers/identity';
import { startSubgraph, type RunningSubgraph, type SubgraphDataLayers } from '../../../subgraphs';
import { fetchEntities, postGraphQL } from './helpers';

type Reviews = RunningSubgraph<SubgraphDataLayers['reviews']>;

interface Review {
  id: string;
  body: string | null;
  author: { id: string } | null;
  product: { upc: string; reviews?: Array<{ id: string }> } | null;
}

const CREATE = `mutation ($input: CreateReviewInput!) {
  createReview(input: $input) { id body author { id } product { upc } }
}`;

async function reviewIdsOfProduct(url: string, upc: string): Promise<string[] | undefined> {
  const res = await fetchEntities<{ reviews: Array<{ id: string }> }>(
    url,
    [{ __typename: 'Product', upc }],
    '... on Product { reviews { id } }',
  );
  return res.data?._entities[0]?.reviews.map((r) => r.id);
}

describe('reviews subgraph: createReview', () => {
  let reviews: Reviews;
  let asUser1: Record<string, string>;

  beforeEach(async () => {
    reviews = await startSubgraph('reviews', { port: 0 });
    asUser1 = await identityHeader('1', 'reviews');
  });
  afterEach(() => reviews.stop());

  it('creates a review by the gateway-signed caller that later queries see', async () => {
    const res = await postGraphQL<{ createReview: Review }>(reviews.url, CREATE, { input: { productUpc: '1', body: '  Boils fast.  ' } }, asUser1);

    expect(res.errors).toBeUndefined();
    expect(res.data?.createReview).toEqual({ id: '151', body: 'Boils fast.', author: { id: '1' }, product: { upc: '1' } });
    expect(await reviewIdsOfProduct(reviews.url, '1')).toEqual(['50', '100', '150', '151']);

    const byViewer = await fetchEntities<{ reviews: Array<{ id: string }> }>(
      reviews.url,
      [{ __typename: 'User', id: '1' }],
      '... on User { reviews { id } }',
    );
    expect(byViewer.data?._entities[0]?.reviews.map((r) => r.id)).toEqual(['1', '101', '151']);
  });

  it('keeps created reviews to the server instance that received them', async () => {
    await postGraphQL(reviews.url, CREATE, { input: { productUpc: '1', body: 'Mine only.' } }, asUser1);
    const other = await startSubgraph('reviews', { port: 0 });
    try {
      expect(await reviewIdsOfProduct(other.url, '1')).toEqual(['50', '100', '150']);
    } finally {
      await other.stop();
    }
  });

  it('shows each new review to the rest of the same mutation', async () => {
    const res = await postGraphQL<{ a: Review; b: Review }>(
      reviews.url,
      `mutation {
        a: createReview(input: { productUpc: "2", body: "first" }) { id product { upc reviews { id } } }
        b: createReview(input: { productUpc: "2", body: "second" }) { id product { upc reviews { id } } }
      }`,
      undefined,
      asUser1,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.a.product?.reviews?.map((r) => r.id)).toEqual(['43', '93', '143', '151']);
    expect(res.data?.b.product?.reviews?.map((r) => r.id)).toEqual(['43', '93', '143', '151', '152']);
  });

  it.each([
    ['an empty body', { productUpc: '1', body: '' }, 'body'],
    ['a blank body', { productUpc: '1', body: '   \n ' }, 'body'],
    ['a body over 2000 characters', { productUpc: '1', body: 'x'.repeat(2001) }, 'body'],
    ['an unknown product', { productUpc: '999', body: 'Nice.' }, 'productUpc'],
    ['a malformed product upc', { productUpc: '01', body: 'Nice.' }, 'productUpc'],
  ])('rejects %s with BAD_USER_INPUT and stores nothing', async (_, input, field) => {
    const res = await postGraphQL<{ createReview: Review | null }>(reviews.url, CREATE, { input }, asUser1);

    expect(res.data?.createReview).toBeNull();
    expect(res.errors).toHaveLength(1);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(res.errors?.[0]?.extensions).not.toHaveProperty('stacktrace');
    expect(await reviewIdsOfProduct(reviews.url, '1')).toEqual(['50', '100', '150']);
  });

  it('refuses a review from a caller without a gateway-signed identity, and stores nothing', async () => {
    const res = await postGraphQL<{ createReview: Review | null }>(reviews.url, CREATE, { input: { productUpc: '1', body: 'Anonymous.' } }, { 'x-user-id': '1' });
    expect(res.data?.createReview).toBeNull();
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await reviewIdsOfProduct(reviews.url, '1')).toEqual(['50', '100', '150']);
  });
});
