import { postGraphQL } from '../../helpers/gateway';
import { waitFor } from '../../helpers/waitFor';
import { PRODUCTS_FULL_SDL, REVIEWS_SDL, seedYaml, startRegistryGateway, startRegistrySubgraphs, tempDir } from './fixture';

describe('zero-downtime supergraph updates', () => {
  it('publishes 20 times under load without failing or dropping a request', async () => {
    const subgraphs = await startRegistrySubgraphs();
    const seed = seedYaml([
      { name: 'products', url: subgraphs.products.url, sdl: PRODUCTS_FULL_SDL },
      { name: 'reviews', url: subgraphs.reviews.url, sdl: REVIEWS_SDL },
    ]);
    const gateway = await startRegistryGateway({ dataDir: tempDir(), seed });
    try {
      await gateway.junction.ready;
      const query = 'query Hot { products { id name stock reviews { body } } }';
      const expected = JSON.stringify({ data: { products: [1, 2].map((i) => ({ id: String(i), name: `Product ${i}`, stock: i, reviews: [{ body: `About ${i}` }] })) } });
      let served = 0;
      const failures: unknown[] = [];
      let running = true;
      const client = async () => {
        while (running) {
          try {
            const res = await postGraphQL(gateway.url, { query });
            if (res.status !== 200 || JSON.stringify(res.body) !== expected) failures.push({ status: res.status, body: res.body });
          } catch (err) {
            failures.push(String(err));
          }
          served++;
        }
      };
      const clients = Array.from({ length: 8 }, client);
      const versions: number[] = [];
      for (let i = 1; i <= 20; i++) {
        // Each publish changes the supergraph (a description), so each one is a real activation.
        const sdl = PRODUCTS_FULL_SDL.replace('type Product', `"Revision ${i}."\ntype Product`);
        const published = await gateway.admin('POST', '/admin/subgraphs/products', { url: subgraphs.products.url, sdl });
        expect(published.status).toBe(200);
        expect(published.body.changed).toBe(true);
        versions.push(published.body.version);
        // The hot operation's plan was built before the switch: the new state starts with it cached.
        expect(gateway.junction.gateway.current?.plans.size).toBeGreaterThanOrEqual(1);
      }
      const before = served;
      await waitFor(() => (served >= before + 50 ? true : undefined), '50 more requests served after the last publish');
      running = false;
      await Promise.all(clients);
      expect(versions).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));
      expect(failures).toEqual([]);
      expect(served).toBeGreaterThan(100);
    } finally {
      await gateway.stop();
      await subgraphs.stop();
    }
  });
});
