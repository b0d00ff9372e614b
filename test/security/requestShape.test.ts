import { startTestSubgraph, type TestSubgraph } from '../helpers/subgraph';
import { startGatewayFor } from '../helpers/gateway';

const fed = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';

describe('batching, introspection and suggestions', () => {
  let subgraph: TestSubgraph;

  beforeAll(async () => {
    subgraph = await startTestSubgraph('s', `${fed} type Query { hello: String node: Node } type Node { name: String }`, { Query: { hello: () => 'hi' } });
  });
  afterAll(() => subgraph.stop());

  const postRaw = (url: string, body: unknown) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

  it('refuses batched operations by default with 400 BATCHING_DISABLED', async () => {
    const gateway = await startGatewayFor([subgraph]);
    try {
      const res = await postRaw(gateway.url, [{ query: '{ hello }' }, { query: '{ hello }' }]);
      expect(res).toEqual({ status: 400, body: { errors: [{ message: 'Batched operations (an array body) are not accepted.', extensions: { code: 'BATCHING_DISABLED' } }] } });
      expect(subgraph.requests).toHaveLength(0);
    } finally {
      await gateway.stop();
    }
  });

  it('when batching is on: bounds the batch size and checks each operation on its own', async () => {
    const gateway = await startGatewayFor([subgraph], 'limits:\n  maxAliases: 1\n  batching:\n    enabled: true\n    maxSize: 2\n');
    try {
      const ok = await postRaw(gateway.url, [{ query: '{ hello }' }, { query: '{ x: hello }' }]);
      expect(ok).toEqual({ status: 200, body: [{ data: { hello: 'hi' } }, { data: { x: 'hi' } }] });
      const tooMany = await postRaw(gateway.url, [{ query: '{ hello }' }, { query: '{ hello }' }, { query: '{ hello }' }]);
      expect(tooMany.status).toBe(400);
      expect(tooMany.body.errors[0].extensions.code).toBe('BATCH_LIMIT_EXCEEDED');
      subgraph.requests.length = 0;
      const overLimit = await postRaw(gateway.url, [{ query: '{ hello }' }, { query: '{ x: hello y: hello }' }]);
      expect(overLimit.status).toBe(400);
      expect(overLimit.body.errors[0].extensions.code).toBe('MAX_ALIASES_LIMIT');
      expect(subgraph.requests).toHaveLength(0);
    } finally {
      await gateway.stop();
    }
  });

  it('checks limits on GET requests too', async () => {
    const gateway = await startGatewayFor([subgraph], 'limits:\n  maxAliases: 1\n');
    try {
      const res = await fetch(`${gateway.url}?query=${encodeURIComponent('{ x: hello y: hello }')}`, { headers: { 'apollo-require-preflight': '1' } });
      expect(res.status).toBe(400);
      expect(((await res.json()) as any).errors[0].extensions.code).toBe('MAX_ALIASES_LIMIT');
    } finally {
      await gateway.stop();
    }
  });

  it('turns introspection off in production, with its own code', async () => {
    const gateway = await startGatewayFor([subgraph], undefined, { NODE_ENV: 'production' });
    try {
      const res = await gateway.post('{ __schema { queryType { name } } }');
      expect(res.status).toBe(400);
      expect(res.body.errors?.[0]?.extensions?.code).toBe('INTROSPECTION_DISABLED');
    } finally {
      await gateway.stop();
    }
  });

  it('limits introspection depth when introspection is on', async () => {
    const gateway = await startGatewayFor([subgraph], 'limits:\n  maxIntrospectionDepth: 4\n');
    try {
      const atMax = await gateway.post('{ __schema { types { fields { name } } } }');
      expect(atMax.status).toBe(200);
      const deeper = await gateway.post('{ __schema { types { fields { type { name } } } } }');
      expect(deeper.status).toBe(400);
      expect(deeper.body.errors?.[0]?.extensions?.code).toBe('MAX_INTROSPECTION_DEPTH_LIMIT');
    } finally {
      await gateway.stop();
    }
  });

  it('strips "Did you mean" outside development, keeps it in development', async () => {
    const prod = await startGatewayFor([subgraph], undefined, { NODE_ENV: 'production' });
    const dev = await startGatewayFor([subgraph], undefined, { NODE_ENV: 'development' });
    try {
      const hidden = await prod.post('{ helo }');
      expect(hidden.body.errors?.[0]?.message).toBe('Cannot query field "helo" on type "Query".');
      const shown = await dev.post('{ helo }');
      expect(shown.body.errors?.[0]?.message).toBe('Cannot query field "helo" on type "Query". Did you mean "hello"?');
    } finally {
      await prod.stop();
      await dev.stop();
    }
  });
});
