import { startTestSubgraph, type TestSubgraph } from '../helpers/subgraph';
import { startGatewayFor, type TestGateway } from '../helpers/gateway';
import { captureLogs } from '../helpers/logCapture';

const fed = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';
const SDL = `${fed} type Query { node: Node a: Int b: Int c: Int d: Int } type Node { child: Node v: Int w: Int }`;
const chain = (depth: number): Record<string, unknown> => (depth <= 1 ? { v: 1, w: 2 } : { child: chain(depth - 1), v: 1, w: 2 });

const LIMITS = `limits:
  maxDepth: 3
  maxHeight: 5
  maxAliases: 2
  maxRootFields: 3
  maxDirectives: 2
  maxTokens: 60
  maxSelections: 12
`;

describe('request limits (enforce)', () => {
  let subgraph: TestSubgraph;
  let gateway: TestGateway;

  beforeAll(async () => {
    subgraph = await startTestSubgraph('s', SDL, { Query: { node: () => chain(10), a: () => 1, b: () => 2, c: () => 3, d: () => 4 } });
    gateway = await startGatewayFor([subgraph], LIMITS);
  });
  afterAll(async () => {
    await gateway.stop();
    await subgraph.stop();
  });
  beforeEach(() => {
    subgraph.requests.length = 0;
  });

  const rejected = async (query: string, code: string, variables?: Record<string, unknown>): Promise<void> => {
    subgraph.requests.length = 0;
    const res = await gateway.post(query, variables);
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions?.code).toBe(code);
    expect(res.body.data).toBeUndefined();
    expect(subgraph.requests).toHaveLength(0);
  };
  const accepted = async (query: string, variables?: Record<string, unknown>): Promise<void> => {
    const res = await gateway.post(query, variables);
    expect(res.body.errors).toBeUndefined();
    expect(res.status).toBe(200);
  };

  it('depth: at the maximum passes, one deeper is refused', async () => {
    await accepted('{ node { child { v } } }');
    await rejected('{ node { child { child { v } } } }', 'MAX_DEPTH_LIMIT');
  });

  it('depth counts through fragments and inline fragments', async () => {
    await rejected('{ node { ...F } } fragment F on Node { child { ... on Node { child { v } } } }', 'MAX_DEPTH_LIMIT');
  });

  it('aliases: at the maximum passes, one more is refused, also inside fragments', async () => {
    await accepted('{ x: a y: b }');
    await rejected('{ x: a y: b z: c }', 'MAX_ALIASES_LIMIT');
    await rejected('{ ...F ...F } fragment F on Query { x: a y: b }', 'MAX_ALIASES_LIMIT');
  });

  it('root fields: at the maximum passes, one more is refused, fragments expanded', async () => {
    await accepted('{ a b c }');
    await rejected('{ a b c d }', 'MAX_ROOT_FIELDS_LIMIT');
    await rejected('{ a ...F } fragment F on Query { b c d }', 'MAX_ROOT_FIELDS_LIMIT');
  });

  it('directives: at the maximum passes, one more is refused, with variables', async () => {
    await accepted('query($x: Boolean!) { a @include(if: $x) b @skip(if: $x) }', { x: true });
    await rejected('query($x: Boolean!) { a @include(if: $x) b @skip(if: $x) c @include(if: $x) }', 'MAX_DIRECTIVES_LIMIT', { x: true });
  });

  it('height (distinct fields): at the maximum passes, one more is refused', async () => {
    await accepted('{ a node { v child { w } } }');
    await rejected('{ a b node { v child { w } } }', 'MAX_HEIGHT_LIMIT');
  });

  it('tokens: a document over maxTokens is refused before parsing', async () => {
    // 61 tokens: comments and commas do not count, selections do.
    await rejected(`{ a # comment\n ${'node { v } '.repeat(15)} }`, 'MAX_TOKENS_LIMIT');
  });

  it('fragment expansion: a small document that expands past maxSelections is refused', async () => {
    await rejected('{ node { ...F2 } } fragment F2 on Node { ...F1 ...F1 ...F1 } fragment F1 on Node { v w v w v }', 'MAX_SELECTIONS_LIMIT');
  });

  it('a fragment cycle is a validation error, not a hang or a crash', async () => {
    await rejected('{ node { ...A } } fragment A on Node { ...B } fragment B on Node { ...A }', 'GRAPHQL_VALIDATION_FAILED');
  });
});

describe('attacks with the default limits', () => {
  let subgraph: TestSubgraph;
  let gateway: TestGateway;

  beforeAll(async () => {
    subgraph = await startTestSubgraph('s', SDL, { Query: { node: () => chain(3), a: () => 1 } });
    gateway = await startGatewayFor([subgraph], 'limits:\n  maxTokens: 100000\n');
  });
  afterAll(async () => {
    await gateway.stop();
    await subgraph.stop();
  });

  it('refuses a "billion laughs" fragment document', async () => {
    const fragments = Array.from({ length: 30 }, (_, i) => `fragment L${i + 1} on Node { ...L${i} ...L${i} }`).join(' ');
    const res = await gateway.post(`{ node { ...L30 } } fragment L0 on Node { v } ${fragments}`);
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('MAX_SELECTIONS_LIMIT');
    expect(subgraph.requests).toHaveLength(0);
  });

  it('refuses 10,000 levels of nesting without overflowing the parser', async () => {
    const res = await gateway.post(`{ ${'node { child { '.repeat(5000)} v ${'} } '.repeat(5000)} }`);
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('MAX_DEPTH_LIMIT');
    expect(JSON.stringify(res.body)).not.toMatch(/call stack|RangeError/);
    // Still serving.
    expect((await gateway.post('{ a }')).body).toEqual({ data: { a: 1 } });
  });

  it('caps validation errors at 100 per response', async () => {
    const res = await gateway.post(`{ node { ${Array.from({ length: 150 }, (_, i) => `nope${i}`).join(' ')} } }`);
    expect(res.status).toBe(400);
    expect(res.body.errors?.length).toBeLessThanOrEqual(100);
    expect(res.body.errors?.length).toBeGreaterThan(50);
  });

  it('does not reach _service or _entities through the gateway', async () => {
    subgraph.requests.length = 0;
    const res = await gateway.post('{ _service { sdl } }');
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const entities = await gateway.post('{ _entities(representations: []) { __typename } }');
    expect(entities.status).toBe(400);
    expect(subgraph.requests).toHaveLength(0);
  });
});

describe('measure mode', () => {
  it('serves an operation over a limit and logs it', async () => {
    const subgraph = await startTestSubgraph('s', SDL, { Query: { a: () => 1, b: () => 2, c: () => 3 } });
    const logs = captureLogs('warn');
    const { startJunction } = await import('../../src/server');
    const { composeSubgraphs } = await import('../../src/composition');
    const { testConfig, postGraphQL } = await import('../helpers/gateway');
    const composed = composeSubgraphs([subgraph]);
    if (!composed.ok) throw new Error('composition failed');
    const junction = await startJunction({ config: testConfig('limits:\n  mode: measure\n  maxAliases: 1\n'), supergraph: { sdl: composed.supergraphSdl }, logger: logs.logger });
    try {
      await junction.ready;
      const res = await postGraphQL(junction.url, { query: '{ x: a y: b z: c }' });
      expect(res.body).toEqual({ data: { x: 1, y: 2, z: 3 } });
      expect(logs.lines).toContainEqual(expect.objectContaining({ msg: 'request limit exceeded (measure mode)', limit: 'maxAliases', value: 3, max: 1 }));
    } finally {
      await junction.stop();
      await subgraph.stop();
    }
  });
});
