import { startTestSubgraph, type TestSubgraph } from '../../helpers/subgraph';
import { startGatewayFor, type TestGateway } from '../../helpers/gateway';

const APOLLO = 'queryPlan:\n  planner: apollo\n';

const fed = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';
const EXPECTED_TEXT = `QueryPlan {
  Sequence {
    Fetch(service: "products") {
      {
        top {
          __typename
          id
          name
        }
      }
    },
    Flatten(path: "top.@") {
      Fetch(service: "stock") {
        {
          ... on Product {
            __typename
            id
          }
        } =>
        {
          ... on Product {
            inStock
          }
        }
      },
    },
  },
}`;

describe('query plan inspection', () => {
  let products: TestSubgraph;
  let stock: TestSubgraph;
  let gateway: TestGateway;
  const query = '{ top { name inStock } }';

  beforeAll(async () => {
    products = await startTestSubgraph('products', `${fed} type Query { top: [Product] } type Product @key(fields: "id") { id: ID! name: String }`, {
      Query: { top: () => [{ id: '1', name: 'Chair' }] },
    });
    stock = await startTestSubgraph('stock', `${fed} type Product @key(fields: "id") { id: ID! inStock: Boolean }`, {
      Product: { __resolveReference: (ref: { id: string }) => ({ id: ref.id, inStock: true }) },
    });
    // The expected texts are @apollo/query-planner's plans (Hive's are printed in the same dialects: planners.test.ts).
    gateway = await startGatewayFor([products, stock], APOLLO);
  });
  afterAll(async () => {
    await gateway.stop();
    await Promise.all([products.stop(), stock.stop()]);
  });
  beforeEach(() => {
    products.requests.length = 0;
    stock.requests.length = 0;
  });

  it('answers Apollo-Query-Plan-Experimental with the pretty plan next to the data', async () => {
    const res = await gateway.post(query, undefined, { 'Apollo-Query-Plan-Experimental': '1' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { top: [{ name: 'Chair', inStock: true }] }, extensions: { __queryPlanExperimental: EXPECTED_TEXT } });
  });

  it('answers the internal format with the plan object', async () => {
    const res = await gateway.post(query, undefined, { 'Apollo-Query-Plan-Experimental': '1', 'Apollo-Query-Plan-Experimental-Format': 'internal' });
    const plan = res.body.extensions?.__queryPlanExperimental as { kind: string; node: { kind: string; nodes: Array<{ kind: string }> } };
    expect(plan.kind).toBe('QueryPlan');
    expect(plan.node.kind).toBe('Sequence');
    expect(plan.node.nodes.map((n) => n.kind)).toEqual(['Fetch', 'Flatten']);
  });

  it('answers Apollo-Expose-Query-Plan: true with { object, text } and the data', async () => {
    const res = await gateway.post(query, undefined, { 'Apollo-Expose-Query-Plan': 'true' });
    expect(res.body.data).toEqual({ top: [{ name: 'Chair', inStock: true }] });
    const exposed = res.body.extensions?.apolloQueryPlan as { object: { kind: string; node: { kind: string } }; text: string };
    expect(exposed.text).toBe(EXPECTED_TEXT);
    expect(exposed.object.kind).toBe('QueryPlan');
    expect(exposed.object.node.kind).toBe('Sequence');
    expect(JSON.stringify(exposed.object)).not.toContain('operationDocumentNode');
  });

  it('plans without calling any subgraph on dry-run', async () => {
    const res = await gateway.post(query, undefined, { 'Apollo-Expose-Query-Plan': 'dry-run' });
    expect(res.status).toBe(200);
    expect(res.body.data).toBeUndefined();
    expect((res.body.extensions?.apolloQueryPlan as { text: string }).text).toBe(EXPECTED_TEXT);
    expect(products.requests).toHaveLength(0);
    expect(stock.requests).toHaveLength(0);
  });

  it('reports where the operation stands against every limit on dry-run', async () => {
    const res = await gateway.post(query, undefined, { 'Apollo-Expose-Query-Plan': 'dry-run' });
    const limits = res.body.extensions?.limits as Array<{ limit: string; value: number; max: number; status: string }>;
    expect(limits.find((l) => l.limit === 'maxDepth')).toEqual({ limit: 'maxDepth', code: 'MAX_DEPTH_LIMIT', value: 2, max: 20, mode: 'enforce', status: 'ok' });
    expect(limits.map((l) => l.limit)).toEqual(['maxTokens', 'maxDepth', 'maxHeight', 'maxAliases', 'maxRootFields', 'maxDirectives', 'maxSelections', 'maxIntrospectionDepth']);
  });

  it('merges both dialects into one extensions object', async () => {
    const res = await gateway.post(query, undefined, { 'Apollo-Query-Plan-Experimental': '1', 'Apollo-Expose-Query-Plan': 'true' });
    expect(Object.keys(res.body.extensions ?? {}).sort()).toEqual(['__queryPlanExperimental', 'apolloQueryPlan']);
  });

  it('sends no plan without the headers', async () => {
    const res = await gateway.post(query);
    expect(res.body).toEqual({ data: { top: [{ name: 'Chair', inStock: true }] } });
  });

  it('ignores the headers when exposure is off (the production default)', async () => {
    const prod = await startGatewayFor([products, stock], APOLLO, { NODE_ENV: 'production' });
    try {
      const res = await prod.post(query, undefined, { 'Apollo-Query-Plan-Experimental': '1', 'Apollo-Expose-Query-Plan': 'dry-run' });
      expect(res.body).toEqual({ data: { top: [{ name: 'Chair', inStock: true }] } });
    } finally {
      await prod.stop();
    }
  });
});
