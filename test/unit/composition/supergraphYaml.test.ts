import { parseSupergraphYaml } from '../../../src/composition';

describe('supergraph.yaml (rover format)', () => {
  it('reads every schema source kind and defaults routing_url to subgraph_url', () => {
    const result = parseSupergraphYaml(
      `federation_version: =2.9.3
subgraphs:
  a:
    routing_url: http://a/graphql
    schema: { file: ./a.graphql }
  b:
    schema:
      subgraph_url: http://b/graphql
      introspection_headers: { Authorization: "Bearer \${env.TOKEN}" }
  c:
    routing_url: http://c/graphql
    schema: { sdl: "type Query { c: String }" }
`,
      'supergraph.yaml',
      { TOKEN: 't0k' },
    );
    expect(result).toEqual({
      ok: true,
      value: {
        federationVersion: '=2.9.3',
        subgraphs: [
          { name: 'a', routingUrl: 'http://a/graphql', schema: { kind: 'file', file: './a.graphql' } },
          { name: 'b', routingUrl: 'http://b/graphql', schema: { kind: 'subgraph_url', url: 'http://b/graphql', headers: { Authorization: 'Bearer t0k' } } },
          { name: 'c', routingUrl: 'http://c/graphql', schema: { kind: 'sdl', sdl: 'type Query { c: String }' } },
        ],
      },
    });
  });

  it('expands ${env.NAME:-default} before validating URLs', () => {
    const result = parseSupergraphYaml('subgraphs:\n  a:\n    routing_url: ${env.A_URL:-http://localhost:1/graphql}\n    schema: { file: a.graphql }\n', 'f.yaml', {});
    expect(result.ok && result.value.subgraphs[0]?.routingUrl).toBe('http://localhost:1/graphql');
  });

  it('names an unset environment variable', () => {
    const result = parseSupergraphYaml('subgraphs:\n  a:\n    routing_url: ${env.MISSING}\n    schema: { file: a.graphql }\n', 'f.yaml', {});
    expect(result).toEqual({ ok: false, problems: ['f.yaml: environment variable MISSING (used at "subgraphs.a.routing_url") is not set'] });
  });

  it('names the line of an unknown key', () => {
    const result = parseSupergraphYaml('subgraphs:\n  a:\n    routing_url: http://a/graphql\n    schema: { file: a.graphql }\n    routingurl: typo\n', 'f.yaml', {});
    expect(result).toEqual({ ok: false, problems: ['f.yaml:5: unknown key "subgraphs.a.routingurl"'] });
  });

  it('reports malformed YAML with its line, not a stack trace', () => {
    const result = parseSupergraphYaml('subgraphs:\n  a:\n    routing_url: [unclosed\n', 'f.yaml', {});
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]).toMatch(/^f\.yaml:\d+: /);
  });

  it('requires exactly one schema source', () => {
    const result = parseSupergraphYaml('subgraphs:\n  a:\n    routing_url: http://a/graphql\n    schema: { file: a.graphql, sdl: "type Query { a: Int }" }\n', 'f.yaml', {});
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.join()).toContain('exactly one of file, subgraph_url, sdl, graphref (got file, sdl)');
  });
});
