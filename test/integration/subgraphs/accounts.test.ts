import { identityHeader } from '../../helpers/identity';
import { startSubgraph, type RunningSubgraph, type SubgraphDataLayers } from '../../../subgraphs';
import { fetchEntities, fetchSdl, ids, postGraphQL } from './helpers';

interface User {
  id: string;
  name: string | null;
  username: string | null;
}

describe('accounts subgraph over HTTP', () => {
  let accounts: RunningSubgraph<SubgraphDataLayers['accounts']>;

  beforeAll(async () => {
    accounts = await startSubgraph('accounts', { port: 0 });
  });
  afterAll(() => accounts.stop());

  it('listens on the port the OS picked and serves /graphql there', () => {
    expect(accounts.port).toBeGreaterThan(0);
    expect(accounts.url).toBe(`http://127.0.0.1:${accounts.port}/graphql`);
  });

  it('answers me (the gateway-signed caller), user and users with the seeded people', async () => {
    const res = await postGraphQL<{ me: User; user: User; missing: User | null; users: User[] }>(
      accounts.url,
      '{ me { id name username } user(id: "12") { id name username } missing: user(id: "999") { id } users { id name } }',
      undefined,
      await identityHeader('1', 'accounts'),
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.me).toEqual({ id: '1', name: 'Ada Lovelace', username: 'ada.lovelace' });
    expect(res.data?.user).toEqual({ id: '12', name: 'Grace Hopper', username: 'grace.hopper' });
    expect(res.data?.missing).toBeNull();
    expect(res.data?.users.map((u) => u.id)).toEqual(ids(10));
    expect(res.data?.users[2]).toEqual({ id: '3', name: 'Alan Lovelace' });
  });

  it('answers me with null for a caller without a gateway-signed identity, forged or for another subgraph', async () => {
    const forged = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"1","iss":"junction","aud":"accounts"}').toString('base64url')}.`;
    for (const headers of [{}, { 'x-user-id': '1' }, { 'x-junction-identity': forged }, await identityHeader('1', 'reviews')]) {
      const res = await postGraphQL<{ me: User | null }>(accounts.url, '{ me { id } }', undefined, headers);
      expect(res.data).toEqual({ me: null });
    }
  });

  it('caps users(first:) at the 100 that exist and rejects negative sizes', async () => {
    const all = await postGraphQL<{ users: User[] }>(accounts.url, '{ users(first: 500) { id } }');
    expect(all.data?.users.map((u) => u.id)).toEqual(ids(100));
    expect(new Set(all.data?.users.map((u) => u.id)).size).toBe(100);

    const bad = await postGraphQL(accounts.url, '{ users(first: -1) { id } }');
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('resolves 100 User references with exactly one data-layer call', async () => {
    const before = accounts.dataLayer.calls.usersByIds;
    const res = await fetchEntities<User>(
      accounts.url,
      ids(100).map((id) => ({ __typename: 'User', id })),
      '... on User { id name username }',
    );

    expect(res.errors).toBeUndefined();
    expect(accounts.dataLayer.calls.usersByIds - before).toBe(1);
    expect(res.data?._entities).toHaveLength(100);
    expect(res.data?._entities.map((u) => u?.id)).toEqual(ids(100));
    expect(res.data?._entities[99]).toEqual({ id: '100', name: 'Radia Perlman', username: 'radia.perlman' });
  });

  it('gives null for references to users that do not exist', async () => {
    const res = await fetchEntities<User>(accounts.url, [{ __typename: 'User', id: '404' }], '... on User { id }');
    expect(res.data?._entities).toEqual([null]);
  });

  it('publishes its Federation 2 SDL through _service', async () => {
    const sdl = await fetchSdl(accounts.url);
    expect(sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.9"');
    expect(sdl).toContain('type User @key(fields: "id") @cacheControl(maxAge: 60) { id: ID! name: String username: String');
    expect(sdl).toContain('email: String @requiresScopes(scopes: [["read:email"]])');
    expect(sdl).toContain('me: User @authenticated');
    expect(sdl).toContain('users(first: Int = 10): [User] @listSize(slicingArguments: ["first"], requireOneSlicingArgument: false)');
  });
});
