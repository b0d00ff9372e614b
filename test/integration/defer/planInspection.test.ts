import { startGatewayFor, type TestGateway } from '../../helpers/gateway';
import { startTestSubgraph, type TestSubgraph } from '../../helpers/subgraph';
import { DEFER_ACCEPT, MULTIPART_DEFER_TYPE, readParts } from './deferFixture';

const fed = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';
const QUERY = '{ top { name ... @defer(label: "stock") { inStock } } }';

interface PlanNode {
  kind: string;
  primary?: { node?: PlanNode };
  deferred?: Array<{ label?: string; queryPath: string[]; node?: PlanNode }>;
}

/** Both plan dialects show a @defer operation's Defer node, whether the answer comes whole or in parts. */
describe('plan inspection of a @defer operation', () => {
  let products: TestSubgraph;
  let stock: TestSubgraph;
  let gateway: TestGateway;

  beforeAll(async () => {
    products = await startTestSubgraph('products', `${fed} type Query { top: [Product] } type Product @key(fields: "id") { id: ID! name: String }`, {
      Query: { top: () => [{ id: '1', name: 'Chair' }] },
    });
    stock = await startTestSubgraph('stock', `${fed} type Product @key(fields: "id") { id: ID! inStock: Boolean }`, {
      Product: { __resolveReference: (ref: { id: string }) => ({ id: ref.id, inStock: true }) },
    });
    gateway = await startGatewayFor([products, stock]);
  });
  afterAll(async () => {
    await gateway.stop();
    await Promise.all([products.stop(), stock.stop()]);
  });

  const expectDeferText = (text: unknown) => {
    expect(text).toEqual(expect.stringContaining('  Defer {\n    Primary {'));
    expect(text).toEqual(expect.stringContaining('Deferred(depends: [0], path: "top", label: "stock") {'));
    expect(text).toEqual(expect.stringContaining('Fetch(service: "stock")'));
  };
  const expectDeferObject = (plan: { kind: string; node: PlanNode }) => {
    expect(plan.kind).toBe('QueryPlan');
    expect(plan.node.kind).toBe('Defer');
    expect(plan.node.primary?.node?.kind).toBe('Fetch');
    expect(plan.node.deferred).toEqual([expect.objectContaining({ label: 'stock', queryPath: ['top'] })]);
  };

  it('Apollo-Query-Plan-Experimental shows Defer and Deferred in the text, a Defer node in the internal format', async () => {
    const text = await gateway.post(QUERY, undefined, { 'Apollo-Query-Plan-Experimental': '1' });
    expect(text.body.data).toEqual({ top: [{ name: 'Chair', inStock: true }] });
    expectDeferText(text.body.extensions?.__queryPlanExperimental);
    const internal = await gateway.post(QUERY, undefined, { 'Apollo-Query-Plan-Experimental': '1', 'Apollo-Query-Plan-Experimental-Format': 'internal' });
    expectDeferObject(internal.body.extensions?.__queryPlanExperimental as { kind: string; node: PlanNode });
  });

  it('Apollo-Expose-Query-Plan shows the Defer node in { object, text }, and on dry-run without calling a subgraph', async () => {
    const res = await gateway.post(QUERY, undefined, { 'Apollo-Expose-Query-Plan': 'true' });
    const exposed = res.body.extensions?.apolloQueryPlan as { object: { kind: string; node: PlanNode }; text: string };
    expectDeferObject(exposed.object);
    expectDeferText(exposed.text);
    stock.requests.length = 0;
    const dry = await gateway.post(QUERY, undefined, { 'Apollo-Expose-Query-Plan': 'dry-run' });
    expect(dry.body.data).toBeUndefined();
    expectDeferText((dry.body.extensions?.apolloQueryPlan as { text: string }).text);
    expect(stock.requests).toHaveLength(0);
  });

  it('a client taking parts gets the plan in the primary part', async () => {
    const res = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: DEFER_ACCEPT, 'Apollo-Expose-Query-Plan': 'true' },
      body: JSON.stringify({ query: QUERY }),
    });
    expect(res.headers.get('content-type')).toBe(MULTIPART_DEFER_TYPE);
    const { parts, finished } = await readParts(res);
    await finished;
    const [primary, deferred] = parts as Array<{ data?: unknown; extensions?: { apolloQueryPlan?: { object: { kind: string; node: PlanNode }; text: string } }; hasNext: boolean }>;
    expect(primary?.data).toEqual({ top: [{ name: 'Chair' }] });
    expectDeferText(primary?.extensions?.apolloQueryPlan?.text);
    expect(deferred).toEqual({ incremental: [{ data: { inStock: true }, path: ['top', 0], label: 'stock' }], hasNext: false });
  });
});
