import { build, shop } from './fixtures';

describe('authorizationIndexOf', () => {
  it('reads every directive composition wrote into the supergraph, under its linked name', () => {
    const fixture = shop();
    // Composition links each directive's own spec for SECURITY rather than the federation spec.
    expect(fixture.supergraphSdl).toContain('@link(url: "https://specs.apollo.dev/authenticated/v0.1", for: SECURITY)');
    expect(fixture.supergraphSdl).toContain('@link(url: "https://specs.apollo.dev/requiresScopes/v0.1", for: SECURITY)');
    expect(fixture.supergraphSdl).toContain('@link(url: "https://specs.apollo.dev/policy/v0.1", for: SECURITY)');

    const { index } = fixture;
    expect(Object.fromEntries(index.fields)).toEqual({
      'Query.me': { authenticated: true },
      'Query.secret': { authenticated: false, scopes: [['read:secret', 'read:all'], ['admin']] },
      'User.email': { authenticated: false, scopes: [['read:email']] },
      'Invoice.summary': { authenticated: true },
      // Composition itself copies an implementation's requirement up to the interface field.
      'Node.summary': { authenticated: true },
      'Post.draft': { authenticated: false, policies: [['editor'], ['owner', 'verified']] },
    });
    expect(Object.fromEntries(index.types)).toEqual({
      Ledger: { authenticated: true },
      Vault: { authenticated: false, scopes: [['vault']] },
    });
    expect(index.policies).toEqual(['editor', 'owner', 'verified']);
  });

  it('honours a renamed import and ignores a look-alike directive the link does not name', () => {
    const sdl = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.6",
  import: ["@key", { name: "@requiresScopes", as: "@scopes" }, { name: "@authenticated", as: "@signedIn" }, "@policy"])

directive @requiresScopes(scopes: [[String!]!]!) on FIELD_DEFINITION | OBJECT

type Query {
  a: String @scopes(scopes: [["x"]])
  b: String @signedIn
  c: String @requiresScopes(scopes: [["not-a-control"]])
  d: Doc
}

scalar Doc @policy(policies: [["p"]]) @signedIn
`;
    const fixture = build([{ name: 'only', url: 'http://only', sdl }]);
    expect(fixture.supergraphSdl).toContain(
      '@link(url: "https://specs.apollo.dev/requiresScopes/v0.1", for: SECURITY, import: [{name: "@requiresScopes", as: "@scopes"}])',
    );
    expect(Object.fromEntries(fixture.index.fields)).toEqual({
      'Query.a': { authenticated: false, scopes: [['x']] },
      'Query.b': { authenticated: true },
    });
    // Two directives on one element are both required.
    expect(Object.fromEntries(fixture.index.types)).toEqual({ Doc: { authenticated: true, policies: [['p']] } });
  });
});
