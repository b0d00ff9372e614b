import { startGatewayFor, type TestGateway } from '../../helpers/gateway';
import { startTestSubgraph, type TestSubgraph } from '../../helpers/subgraph';
import { DEFER_ACCEPT, MULTIPART_DEFER_TYPE, readParts } from './deferFixture';

const SDL = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@cost"])
  type Query { node: Node }
  type Node { id: ID! child: Node expensive: Int @cost(weight: 100) }`;

const post = (url: string, query: string) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: DEFER_ACCEPT }, body: JSON.stringify({ query }) });

/** Status, content type and body of an answer that must not be multipart (a refusal). */
async function refusal(url: string, query: string) {
  const res = await post(url, query);
  return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> } };
}

/** The parts of an accepted @defer answer: proves the limit is not simply refusing everything. */
async function accepted(url: string, query: string): Promise<unknown[]> {
  const res = await post(url, query);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe(MULTIPART_DEFER_TYPE);
  const { parts, finished } = await readParts(res);
  await finished;
  return parts;
}

/** Selections inside a `@defer` fragment count toward limits.maxDepth and cost.max as any other selection. */
describe('@defer and request limits / demand control', () => {
  let tree: TestSubgraph;
  const gateways: TestGateway[] = [];
  const start = async (yaml: string) => {
    const gateway = await startGatewayFor([tree], yaml);
    gateways.push(gateway);
    return gateway.url;
  };

  beforeAll(async () => {
    const node = (depth: number): unknown => ({ id: `n${depth}`, expensive: depth, child: depth < 6 ? node(depth + 1) : null });
    tree = await startTestSubgraph('tree', SDL, { Query: { node: () => node(1) } });
  });
  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.stop()));
    await tree?.stop();
  });

  it('refuses an operation deeper than limits.maxDepth only inside a deferred fragment, as without @defer', async () => {
    const url = await start('limits:\n  maxDepth: 3\n');
    const deferred = await refusal(url, '{ node { id ... @defer { child { child { id } } } } }');
    const plain = await refusal(url, '{ node { id child { child { id } } } }');
    expect(deferred.status).toBe(400);
    expect(deferred.body.errors?.[0]?.extensions?.code).toBe('MAX_DEPTH_LIMIT');
    expect(deferred).toEqual(plain);
    // Within the limit, the same shape is delivered in parts.
    expect(await accepted(url, '{ node { id ... @defer { child { id } } } }')).toEqual([
      { data: { node: { id: 'n1' } }, hasNext: true },
      { incremental: [{ data: { child: { id: 'n2' } }, path: ['node'] }], hasNext: false },
    ]);
  });

  it('refuses an operation whose cost over cost.max is inside a deferred fragment, as without @defer', async () => {
    const url = await start('cost:\n  max: 50\n');
    const deferred = await refusal(url, '{ node { id ... @defer { expensive } } }');
    const plain = await refusal(url, '{ node { id expensive } }');
    expect(deferred.body.errors?.[0]?.extensions?.code).toBe('COST_ESTIMATED_TOO_EXPENSIVE');
    expect(deferred.body.data).toBeUndefined();
    expect(deferred).toEqual(plain);
    expect(await accepted(url, '{ node { id ... @defer { child { id } } } }')).toHaveLength(2);
  });
});
