import { runCli } from '../../helpers/cli';
import { writeTemp } from '../../helpers/gateway';
import { ADMIN_TOKEN, PRODUCTS_FULL_SDL, PRODUCTS_SDL, REVIEWS_SDL, seedYaml, startRegistryGateway, startRegistrySubgraphs, tempDir } from './fixture';

describe('registry CLI against a real gateway', () => {
  it('publishes, checks, lists, rolls back', async () => {
    const subgraphs = await startRegistrySubgraphs();
    const seed = seedYaml([
      { name: 'products', url: subgraphs.products.url, sdl: PRODUCTS_SDL },
      { name: 'reviews', url: subgraphs.reviews.url, sdl: REVIEWS_SDL },
    ]);
    const gateway = await startRegistryGateway({ dataDir: tempDir(), seed });
    const env = { JUNCTION_GATEWAY_URL: gateway.url.replace('/graphql', ''), JUNCTION_ADMIN_TOKEN: ADMIN_TOKEN };
    try {
      await gateway.junction.ready;
      const full = writeTemp('products.graphql', PRODUCTS_FULL_SDL);
      const published = await runCli(['publish', 'products', '--url', subgraphs.products.url, '--schema', full, '--author', 'ci'], { env });
      expect(published.code).toBe(0);
      expect(published.stdout).toContain('2');
      expect((await gateway.query('{ products { stock } }')).body.data).toEqual({ products: [{ stock: 1 }, { stock: 2 }] });

      await gateway.query('query Prices { products { price } }');
      const breaking = writeTemp('products.graphql', PRODUCTS_FULL_SDL.replace('price: Int!, ', ''));
      const checked = await runCli(['check', 'products', '--schema', breaking], { env });
      expect(checked.code).toBe(1);
      expect(checked.stdout).toContain('Product.price');
      expect(checked.stdout).toContain('Prices');
      expect((await runCli(['check', 'products', '--schema', full], { env })).code).toBe(0);

      const listed = await runCli(['subgraphs', 'list'], { env });
      expect(listed.code).toBe(0);
      expect(listed.stdout).toMatch(/products[\s\S]*ci/);

      const rolledBack = await runCli(['rollback', '1'], { env });
      expect(rolledBack.code).toBe(0);
      expect((await gateway.admin('GET', '/admin/subgraphs')).body.version).toBe(3);
      const denied = await runCli(['subgraphs', 'list'], { env: { ...env, JUNCTION_ADMIN_TOKEN: 'x'.repeat(40) } });
      expect(denied.code).toBe(1);
      expect(denied.stderr).toContain('UNAUTHENTICATED');
    } finally {
      await gateway.stop();
      await subgraphs.stop();
    }
  });
});
