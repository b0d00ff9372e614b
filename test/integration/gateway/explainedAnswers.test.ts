import { startTestSubgraph, type TestSubgraph } from '../../helpers/subgraph';
import { startGatewayFor, type TestGateway } from '../../helpers/gateway';

const fed = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key", "@authenticated"])';

describe('answers that say why', () => {
  let accounts: TestSubgraph;
  let gateway: TestGateway;

  beforeAll(async () => {
    accounts = await startTestSubgraph('accounts', `${fed} type Query { me: String @authenticated, motd: String } type Mutation { touch: Boolean }`, {
      Query: { me: () => 'ada', motd: () => 'hello' },
      Mutation: { touch: () => true },
    });
    gateway = await startGatewayFor([accounts]);
  });
  afterAll(async () => {
    await gateway.stop();
    await accounts.stop();
  });

  it('a dry run for an anonymous caller names the fields authorization removed from the plan', async () => {
    const res = await gateway.post('{ me motd }', undefined, { 'Apollo-Expose-Query-Plan': 'dry-run' });
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.extensions?.removedByAuthorization).toEqual([{ path: 'me', code: 'UNAUTHORIZED_FIELD_OR_TYPE', message: expect.any(String) }]);
    expect((res.body.extensions?.apolloQueryPlan as { text: string }).text).toContain('motd');
    expect(accounts.requests).toHaveLength(0);
  });

  it('a mutation over GET answers 405 METHOD_NOT_ALLOWED', async () => {
    const res = await fetch(`${gateway.url}?query=${encodeURIComponent('mutation { touch }')}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(res.status).toBe(405);
    expect(((await res.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]?.extensions.code).toBe('METHOD_NOT_ALLOWED');
  });
});
