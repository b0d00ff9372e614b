import { composeSubgraphs } from '../../../src/composition';

const fed = '@link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])';

describe('composeSubgraphs', () => {
  it('composes subgraphs into a supergraph that routes to their URLs', () => {
    const result = composeSubgraphs([
      { name: 'a', url: 'http://a/graphql', sdl: `extend schema ${fed} type Query { t: T } type T @key(fields: "id") { id: ID! x: Int }` },
      { name: 'b', url: 'http://b/graphql', sdl: `extend schema ${fed} type T @key(fields: "id") { id: ID! y: Int }` },
    ]);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.supergraphSdl).toContain('A @join__graph(name: "a", url: "http://a/graphql")');
      expect(result.supergraphSdl).toContain('B @join__graph(name: "b", url: "http://b/graphql")');
    }
  });

  it('reports each error with its code and the subgraphs involved', () => {
    const result = composeSubgraphs([
      { name: 'a', url: 'http://a', sdl: `extend schema ${fed} type Query { t: T } type T @key(fields: "id") { id: ID! x: Int @shareable }` },
      { name: 'b', url: 'http://b', sdl: `extend schema ${fed} type T @key(fields: "id") { id: ID! x: String @shareable }` },
    ]);
    expect(result).toEqual({
      ok: false,
      errors: [
        {
          code: 'FIELD_TYPE_MISMATCH',
          message: 'Type of field "T.x" is incompatible across subgraphs: it has type "Int" in subgraph "a" but type "String" in subgraph "b"',
          subgraphs: ['a', 'b'],
        },
      ],
    });
  });

  it('reports an SDL syntax error naming the subgraph', () => {
    const result = composeSubgraphs([{ name: 'broken', url: 'http://x', sdl: 'type Query {' }]);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]).toMatchObject({ code: 'INVALID_GRAPHQL', subgraphs: ['broken'] });
  });
});
