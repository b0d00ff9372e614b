import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { withoutSecurityFeatures } from '../../../bench/stockSupergraph';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { composeSubgraphs } from '../../../src/composition';
import { startAllSubgraphs, SUBGRAPH_NAMES, type RunningFleet } from '../../../subgraphs';
import { BENCHMARK_QUERY } from '../../../bench/queries';
import { startGatewayOn, type TestGateway } from '../../helpers/gateway';
import { devToken, identityHeader } from '../../helpers/identity';

/** The four sample subgraphs behind Junction: what `npm start` serves, on free ports. */
describe('the sample supergraph through Junction', () => {
  let fleet: RunningFleet;
  let gateway: TestGateway;
  let supergraphSdl: string;

  beforeAll(async () => {
    fleet = await startAllSubgraphs();
    const composed = composeSubgraphs(
      SUBGRAPH_NAMES.map((name) => ({
        name,
        url: fleet.byName[name].url,
        sdl: readFileSync(join(__dirname, '../../../subgraphs', name, 'schema.graphql'), 'utf8'),
      })),
    );
    if (!composed.ok) throw new Error(JSON.stringify(composed.errors));
    supergraphSdl = composed.supergraphSdl;
    gateway = await startGatewayOn({ sdl: supergraphSdl });
  });
  afterAll(async () => {
    await gateway.stop();
    await fleet.stop();
  });

  it('answers the benchmark query with data merged from all four subgraphs', async () => {
    const res = await gateway.post(BENCHMARK_QUERY, undefined, {}, 'TestQuery');
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    const data = res.body.data as { users: Array<Record<string, any>>; topProducts: Array<Record<string, any>> };
    expect(data.users).toHaveLength(10);
    expect(data.topProducts).toHaveLength(5);
    const product = data.users[0]?.reviews[0]?.product;
    // accounts (username), reviews (reviews, body), products (name, price), inventory (inStock, shippingEstimate).
    expect(data.users[0]).toMatchObject({ id: '1', username: expect.any(String), name: expect.any(String) });
    expect(product).toMatchObject({ upc: expect.any(String), name: expect.any(String), price: expect.any(Number), inStock: expect.any(Boolean) });
    expect(typeof product.shippingEstimate).toBe('number');
    expect(product.reviews[0].author.reviews[0].product.name).toEqual(expect.any(String));
  });

  it('returns exactly the data stock @apollo/gateway returns for the same supergraph', async () => {
    const stock = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl: withoutSecurityFeatures(supergraphSdl) }) });
    await stock.start();
    try {
      const expected = await stock.executeOperation({ query: BENCHMARK_QUERY, operationName: 'TestQuery' });
      const ours = await gateway.post(BENCHMARK_QUERY, undefined, {}, 'TestQuery');
      if (expected.body.kind !== 'single') throw new Error('unexpected incremental response');
      expect(JSON.stringify(ours.body.data)).toBe(JSON.stringify(expected.body.singleResult.data));
    } finally {
      await stock.stop();
    }
  });

  it('knows the caller in every subgraph through the gateway-signed identity, and no one else', async () => {
    const token = await devToken('12', ['read:email']);
    expect((await gateway.post('{ me { id name email } }', undefined, { authorization: `Bearer ${token}` })).body).toEqual({
      data: { me: { id: '12', name: 'Grace Hopper', email: 'grace.hopper.12@example.com' } },
    });
    const unauthorized = { message: 'Unauthorized field or type', path: ['me'], extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' } };
    // Anonymous, or with an identity header of its own making: me is @authenticated, refused at the gateway.
    expect((await gateway.post('{ me { id } }')).body).toEqual({ data: { me: null }, errors: [unauthorized] });
    const forged = await identityHeader('12', 'accounts');
    expect((await gateway.post('{ me { id } }', undefined, forged)).body).toEqual({ data: { me: null }, errors: [unauthorized] });
    const anonymousReview = await gateway.post('mutation { createReview(input: { productUpc: "3", body: "x" }) { id } }', undefined, forged);
    expect(anonymousReview.body.errors?.[0]?.extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
  });

  it('serves User.email only to tokens with the read:email scope', async () => {
    const without = await gateway.post('{ user(id: "3") { name email } }', undefined, { authorization: `Bearer ${await devToken('12')}` });
    expect(without.body).toEqual({
      data: { user: { name: 'Alan Lovelace', email: null } },
      errors: [{ message: 'Unauthorized field or type', path: ['user', 'email'], extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' } }],
    });
    const withScope = await gateway.post('{ user(id: "3") { email } }', undefined, { authorization: `Bearer ${await devToken('12', ['read:email'])}` });
    expect(withScope.body).toEqual({ data: { user: { email: 'alan.lovelace.3@example.com' } } });
  });

  it('batches entity fetches: one accounts data-layer call per request for all authors', async () => {
    const before = fleet.byName.accounts.dataLayer.calls.usersByIds;
    await gateway.post('{ topProducts(first: 20) { reviews { author { name } } } }');
    expect(fleet.byName.accounts.dataLayer.calls.usersByIds - before).toBe(1);
  });

  it('runs the createReview mutation as the signed-in caller and shows the new review', async () => {
    const created = await gateway.post(
      'mutation($i: CreateReviewInput!) { createReview(input: $i) { id body author { id name } product { upc name } } }',
      { i: { productUpc: '3', body: 'Through the gateway' } },
      { authorization: `Bearer ${await devToken('12')}` },
    );
    expect(created.body.errors).toBeUndefined();
    const review = (created.body.data as { createReview: { id: string; body: string; product: { upc: string } } }).createReview;
    expect(review).toMatchObject({ body: 'Through the gateway', author: { id: '12', name: 'Grace Hopper' }, product: { upc: '3' } });
    const after = await gateway.post('{ product(upc: "3") { reviews { id body } } }');
    expect((after.body.data as { product: { reviews: Array<{ id: string }> } }).product.reviews.map((r) => r.id)).toContain(review.id);
  });
});

