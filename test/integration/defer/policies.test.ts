import { startGatewayFor, testConfig, type TestGateway } from '../../helpers/gateway';
import { pipelineOf } from '../../helpers/pipelineHarness';
import { partsOf } from './deferFixture';
import { startTestSubgraph, type TestSubgraph } from '../../helpers/subgraph';
import { AUTH_YAML, clientToken } from '../subscriptions/fixture';

const fed = (imports: string) => `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: [${imports}])`;


/**
 * @defer and the pipeline's policies, on two small subgraphs: a catalogue of items, and details (one field that
 * fails, one that needs a scope) resolved by entity fetches.
 */
describe('@defer with errors and authorization', () => {
  let catalogue: TestSubgraph;
  let details: TestSubgraph;
  let gateway: TestGateway;
  let harness: Awaited<ReturnType<typeof pipelineOf>>;
  const run = (query: string, headers: Record<string, string> = {}, variables?: Record<string, unknown>) => harness.operate({ query, ...(variables ? { variables } : {}) }, headers, 'http', { incremental: true });

  beforeAll(async () => {
    catalogue = await startTestSubgraph('catalogue', `${fed('"@key"')} type Query { items: [Item] motd: String } type Item @key(fields: "id") { id: ID! name: String }`, {
      Query: { items: () => [{ id: '1', name: 'one' }, { id: '2', name: 'two' }], motd: () => 'hello' },
    });
    details = await startTestSubgraph('details', `${fed('"@key", "@requiresScopes"')} type Item @key(fields: "id") { id: ID! stock: Int broken: String secret: String @requiresScopes(scopes: [["read:secret"]]) }`, {
      Item: {
        __resolveReference: (ref: { id: string }) => ({ id: ref.id, stock: Number(ref.id) * 10, secret: `s${ref.id}` }),
        broken: (item: { id: string }) => {
          if (item.id === '2') throw new Error('details are broken for item 2');
          return 'fine';
        },
      },
    });
    const yaml = AUTH_YAML;
    gateway = await startGatewayFor([catalogue, details], yaml);
    harness = await pipelineOf(gateway.junction, testConfig(yaml));
  });
  afterAll(async () => {
    await harness?.stop();
    await gateway?.stop();
    await Promise.all([catalogue?.stop(), details?.stop()]);
  });

  it('defers a root field', async () => {
    const parts = await partsOf(await run('{ motd ... @defer(label: "items") { items { name } } }'));
    expect(parts).toEqual([
      { data: { motd: 'hello' }, hasNext: true },
      { incremental: [{ data: { items: [{ name: 'one' }, { name: 'two' }] }, path: [], label: 'items' }], hasNext: false },
    ]);
  });

  it('keeps an error of a deferred part in that part, at its path', async () => {
    const parts = await partsOf(await run('{ items { name ... @defer { broken } } }'));
    expect(parts[0]).toEqual({ data: { items: [{ name: 'one' }, { name: 'two' }] }, hasNext: true });
    const [item0, item1] = (parts[1] as { incremental: Array<Record<string, unknown>> }).incremental;
    // Formatted exactly as the same error in a whole answer (a subgraph's uncoded error is masked alike).
    const whole = await harness.operate({ query: '{ items { name broken } }' }, {}, 'http');
    if (whole.kind !== 'single') throw new Error('expected one answer');
    expect(item1).toEqual({ data: { broken: null }, path: ['items', 1], errors: whole.body.errors });
    expect(whole.body.errors).toEqual([expect.objectContaining({ path: ['items', 1, 'broken'] })]);
    expect(item0).toMatchObject({ data: { broken: 'fine' }, path: ['items', 0] });
    expect(item0?.errors).toBeUndefined();
  });

  it('nulls a field authorization removes inside a deferred fragment, with its error in that part', async () => {
    const token = await clientToken({ sub: 'u1' });
    const parts = await partsOf(await run('{ items { name ... @defer(label: "more") { stock secret } } }', { authorization: `Bearer ${token}` }));
    expect(parts[0]).toEqual({ data: { items: [{ name: 'one' }, { name: 'two' }] }, hasNext: true });
    const incremental = (parts[1] as { incremental: Array<Record<string, unknown>> }).incremental;
    expect(incremental.map((i) => i.data)).toEqual([
      { stock: 10, secret: null },
      { stock: 20, secret: null },
    ]);
    expect(incremental[0]?.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'UNAUTHORIZED_FIELD_OR_TYPE' }) })]);
    expect(JSON.stringify(parts)).not.toContain('"s1"');
    // With the scope, the secret is in the part.
    const scoped = await clientToken({ sub: 'u2', scope: 'read:secret' });
    const allowed = await partsOf(await run('{ items { name ... @defer(label: "more") { stock secret } } }', { authorization: `Bearer ${scoped}` }));
    expect((allowed[1] as { incremental: Array<{ data: unknown }> }).incremental.map((i) => i.data)).toEqual([
      { stock: 10, secret: 's1' },
      { stock: 20, secret: 's2' },
    ]);
  });

  it('honours @defer(if: $v): a part when true, one whole answer when false', async () => {
    const query = 'query ($d: Boolean!) { items { name ... @defer(if: $d) { stock } } }';
    const deferred = await partsOf(await run(query, {}, { d: true }));
    expect(deferred).toHaveLength(2);
    const whole = await partsOf(await run(query, {}, { d: false }));
    expect(whole).toEqual([{ data: { items: [{ name: 'one', stock: 10 }, { name: 'two', stock: 20 }] }, hasNext: false }]);
  });
});
