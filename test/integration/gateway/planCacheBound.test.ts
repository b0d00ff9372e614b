import { startTestSubgraph, type TestSubgraph } from '../../helpers/subgraph';
import { startGatewayFor, type TestGateway } from '../../helpers/gateway';

const fed = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';

describe('a stream of distinct operations', () => {
  let subgraph: TestSubgraph;
  let gateway: TestGateway;

  beforeAll(async () => {
    subgraph = await startTestSubgraph('s', `${fed} type Query { n(i: Int): Int }`, { Query: { n: (_: unknown, { i }: { i: number }) => i } });
    gateway = await startGatewayFor([subgraph], 'queryPlan:\n  cacheMaxEntries: 25\n');
  });
  afterAll(async () => {
    await gateway.stop();
    await subgraph.stop();
  });

  it('keeps at most queryPlan.cacheMaxEntries plans, and still answers every operation', async () => {
    for (let i = 0; i < 300; i++) {
      const res = await gateway.post(`{ a${i}: n(i: ${i}) }`);
      expect(res.body).toEqual({ data: { [`a${i}`]: i } });
    }
    expect(gateway.junction.gateway.current?.plans.size).toBe(25);
    // A recent operation is still cached: no new plan, same answer.
    expect((await gateway.post('{ a299: n(i: 299) }')).body).toEqual({ data: { a299: 299 } });
    expect(gateway.junction.gateway.current?.plans.size).toBe(25);
  });
});
