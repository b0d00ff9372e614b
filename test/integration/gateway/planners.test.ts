import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BENCHMARK_QUERY } from '../../../bench/queries';
import { startAllSubgraphs, type RunningFleet } from '../../../subgraphs';
import { startGatewayOn, type TestGateway } from '../../helpers/gateway';
import { devToken } from '../../helpers/identity';
import { sampleSupergraph } from '../subscriptions/fixture';

/** A counting proxy in front of a subgraph: how many requests a gateway sends it. */
async function countingProxy(target: string): Promise<{ url: string; count: () => number; reset: () => void; stop: () => Promise<void> }> {
  let count = 0;
  const to = new URL(target);
  const server: Server = createServer((req, res) => {
    count++;
    const forward = httpRequest({ host: to.hostname, port: to.port, path: to.pathname, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, count: () => count, reset: () => (count = 0), stop: () => new Promise((resolve) => server.close(() => resolve())) };
}

const QUERIES: Array<[string, string]> = [
  ['the benchmark query', BENCHMARK_QUERY],
  ['entities of one subgraph at two paths (a BatchFetch)', '{ topProducts { name reviews { body author { name } } } me { name reviews { body product { upc } } } }'],
  ['@requires (shippingEstimate needs price and weight)', '{ topProducts(first: 3) { upc shippingEstimate inStock } }'],
  ['a root field of each subgraph', '{ users(first: 2) { id username } topProducts(first: 2) { upc } }'],
];

/** The Rust planner's plans, run by Junction's executor, answer exactly what the Apollo planner's do. */
describe('query planners: apollo and rust answer alike', () => {
  let fleet: RunningFleet;
  let reviews: Awaited<ReturnType<typeof countingProxy>>;
  const gateways: Record<'apollo' | 'rust', TestGateway> = {} as Record<'apollo' | 'rust', TestGateway>;
  let authorization: string;

  beforeAll(async () => {
    fleet = await startAllSubgraphs();
    reviews = await countingProxy(fleet.byName.reviews.url);
    const sdl = sampleSupergraph({ ...fleet, byName: { ...fleet.byName, reviews: { ...fleet.byName.reviews, url: reviews.url } } } as RunningFleet);
    for (const planner of ['apollo', 'rust'] as const) gateways[planner] = await startGatewayOn({ sdl }, `queryPlan:\n  planner: ${planner}\n`);
    authorization = `Bearer ${await devToken('1', ['read:email'])}`;
  });
  afterAll(async () => {
    for (const g of Object.values(gateways)) await g?.stop();
    await reviews?.stop();
    await fleet?.stop();
  });

  it.each(QUERIES)('%s', async (_name, query) => {
    const answers = [];
    for (const planner of ['apollo', 'rust'] as const) answers.push(await gateways[planner].post(query, undefined, { authorization }));
    const [apollo, rust] = answers;
    expect(apollo?.body.errors).toBeUndefined();
    expect(rust?.status).toBe(apollo?.status);
    expect(JSON.stringify(rust?.body)).toBe(JSON.stringify(apollo?.body));
  });

  it('sends one request to reviews where the Apollo planner sends two (BatchFetch)', async () => {
    const query = '{ topProducts { reviews { body } } me { reviews { body } } }';
    const sent: Record<string, number> = {};
    for (const planner of ['apollo', 'rust'] as const) {
      reviews.reset();
      const res = await gateways[planner].post(query, undefined, { authorization });
      expect(res.body.errors).toBeUndefined();
      sent[planner] = reviews.count();
    }
    expect(sent).toEqual({ apollo: 2, rust: 1 });
  });
});
