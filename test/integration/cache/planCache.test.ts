import { writeFileSync } from 'node:fs';
import { composeSubgraphs } from '../../../src/composition';
import { postGraphQL, startGatewayOn, writeTemp } from '../../helpers/gateway';
import { sharedRedisUrl, uniquePrefix } from '../../helpers/redis';
import { waitFor } from '../../helpers/waitFor';
import { startCacheFixture, type CacheFixture } from './fixture';

const QUERY = 'query Stock($ids: [ID!]!) { products(ids: $ids) { id name stock } }';

describe('plan cache', () => {
  let fixture: CacheFixture;
  let supergraphSdl: string;
  beforeAll(async () => {
    fixture = await startCacheFixture();
    const composed = composeSubgraphs(fixture.all);
    if (!composed.ok) throw new Error('composition failed');
    supergraphSdl = composed.supergraphSdl;
  });
  afterAll(() => fixture?.stop());

  it('keeps every plan across a reload that changes nothing, and starts afresh on a changed supergraph', async () => {
    const path = writeTemp('supergraph.graphql', supergraphSdl);
    const gateway = await startGatewayOn({ path });
    try {
      await gateway.post(QUERY, { ids: ['1'] });
      const state = gateway.junction.gateway.current;
      expect(state?.plans.size).toBe(1);
      // The same SDL written again (a re-compose with the same result): same supergraph, same plans.
      const build = jest.spyOn(gateway.junction.gateway, 'build');
      writeFileSync(path, supergraphSdl);
      const reloaded = await waitFor(() => build.mock.results[0]?.value, 'the rewritten file to be read');
      build.mockRestore();
      expect(reloaded).toEqual({ ok: true, state, changed: false });
      expect(gateway.junction.gateway.current).toBe(state);
      await gateway.post(QUERY, { ids: ['2'] });
      expect(gateway.junction.gateway.planStats.planned).toBe(1);
      // A changed supergraph: its own plan cache, never the old plans; the hot operation is planned for it
      // before it goes live, so the request after the switch plans nothing.
      writeFileSync(path, supergraphSdl.replace('type Product', '"A product."\ntype Product'));
      const next = await waitFor(() => (gateway.junction.gateway.current !== state ? gateway.junction.gateway.current : undefined), 'the new supergraph');
      expect(next?.plans.size).toBe(1);
      expect(gateway.junction.gateway.planStats.planned).toBe(2);
      expect((await gateway.post(QUERY, { ids: ['3'] })).body.data).toEqual({ products: [{ id: '3', name: 'Product 3', stock: 30 }] });
      expect(gateway.junction.gateway.planStats.planned).toBe(2);
    } finally {
      await gateway.stop();
    }
  });

  it('shares plans through Redis (queryPlan.shared): a new replica plans nothing it can read', async () => {
    const yaml = `queryPlan:\n  shared: true\nstore:\n  backend: redis\n  keyPrefix: "${uniquePrefix('plans')}"\n  redis:\n    url: ${await sharedRedisUrl()}\n`;
    const a = await startGatewayOn({ sdl: supergraphSdl }, yaml);
    try {
      await waitFor(() => (a.junction.store.available() ? true : undefined), 'A to reach Redis');
      expect((await a.post(QUERY, { ids: ['4'] })).body.data).toEqual({ products: [{ id: '4', name: 'Product 4', stock: 40 }] });
      expect(a.junction.gateway.planStats).toMatchObject({ planned: 1, shared: 0 });
      // The write is not awaited by the request that planned.
      await waitFor(() => (a.junction.gateway.planStats.stored === 1 ? true : undefined), 'A to store its plan');
      const b = await startGatewayOn({ sdl: supergraphSdl }, yaml);
      try {
        await waitFor(() => (b.junction.store.available() ? true : undefined), 'B to reach Redis');
        const res = await postGraphQL(b.url, { query: QUERY, variables: { ids: ['5'] } });
        expect(res.body.data).toEqual({ products: [{ id: '5', name: 'Product 5', stock: 50 }] });
        await b.post(QUERY, { ids: ['6'] });
        expect(b.junction.gateway.planStats).toEqual({ planned: 0, shared: 1, stored: 0 });
      } finally {
        await b.stop();
      }
    } finally {
      await a.stop();
    }
  });
});
