import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../helpers/cli';

const fed = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])';
const ROOT = join(__dirname, '../../..');

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'junction-cli-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

describe('junction compose', () => {
  it('composes the repository supergraph.yaml and prints the supergraph SDL', async () => {
    const res = await runCli(['compose', join(ROOT, 'supergraph.yaml')]);
    expect(res.code).toBe(0);
    for (const name of ['ACCOUNTS', 'INVENTORY', 'PRODUCTS', 'REVIEWS']) expect(res.stdout).toContain(`${name} @join__graph(`);
    expect(res.stdout).toContain('url: "http://localhost:4001/graphql"');
  });

  it('writes the supergraph with -o and expands ${env.NAME} in routing URLs', async () => {
    const dir = project({
      'a.graphql': `${fed} type Query { a: String }`,
      'supergraph.yaml': 'subgraphs:\n  a:\n    routing_url: ${env.A_URL}\n    schema:\n      file: ./a.graphql\n',
    });
    const out = join(dir, 'out.graphql');
    const res = await runCli(['compose', join(dir, 'supergraph.yaml'), '-o', out], { env: { A_URL: 'http://a.internal:8080/graphql' } });
    expect(res.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('A @join__graph(name: "a", url: "http://a.internal:8080/graphql")');
  });

  it('prints composition errors with code and subgraphs, and exits 1', async () => {
    const dir = project({
      'a.graphql': `${fed} type Query { t: T } type T @key(fields: "id") { id: ID! x: Int @shareable }`,
      'b.graphql': `${fed} type T @key(fields: "id") { id: ID! x: String @shareable }`,
      'supergraph.yaml': 'subgraphs:\n  a:\n    routing_url: http://a/graphql\n    schema: { file: a.graphql }\n  b:\n    routing_url: http://b/graphql\n    schema: { file: b.graphql }\n',
    });
    const res = await runCli(['compose', join(dir, 'supergraph.yaml')]);
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toContain('FIELD_TYPE_MISMATCH: Type of field "T.x" is incompatible across subgraphs');
    expect(res.stderr).toContain('[subgraphs: a, b]');
    expect(res.stderr).not.toMatch(/\n\s+at /);
  });

  it('names the line of an unknown key, without a stack trace', async () => {
    const dir = project({ 'supergraph.yaml': 'subgraphs:\n  a:\n    routing_url: http://a/graphql\n    schema: { file: a.graphql }\nfederaton_version: 2\n' });
    const res = await runCli(['compose', join(dir, 'supergraph.yaml')]);
    expect(res.code).toBe(1);
    expect(res.stderr.trim()).toBe(`${join(dir, 'supergraph.yaml')}:5: unknown key "federaton_version"`);
  });

  it('explains that graphref needs GraphOS', async () => {
    const dir = project({ 'supergraph.yaml': 'subgraphs:\n  a:\n    routing_url: http://a/graphql\n    schema: { graphref: "mygraph@current" }\n' });
    const res = await runCli(['compose', join(dir, 'supergraph.yaml')]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('schema.graphref "mygraph@current" needs Apollo GraphOS');
  });

  it('exits 2 with one line and where to find help for a missing argument', async () => {
    const res = await runCli(['compose']);
    expect(res.code).toBe(2);
    expect(res.stderr.trim().split('\n')).toEqual(['compose needs exactly one <supergraph.yaml>', 'Run `junction compose --help` for its options.']);
  });

  it('prints its help, with every option, for --help', async () => {
    const res = await runCli(['compose', '--help']);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('junction compose <supergraph.yaml> [-o <supergraph.graphql>]');
    expect(res.stdout).toContain('-o, --output <file>');
  });
});

describe('junction plan', () => {
  it('prints the plan of an operation against a supergraph.yaml', async () => {
    const dir = project({ 'op.graphql': 'query Top { topProducts { name inStock } }' });
    const res = await runCli(['plan', join(dir, 'op.graphql'), '--supergraph', join(ROOT, 'supergraph.yaml')]);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('Fetch(service: "products")');
    expect(res.stdout).toContain('Flatten(path: "topProducts.@")');
    expect(res.stdout).toContain('Fetch(service: "inventory")');
  });

  it('prints the Defer node of a @defer operation: the primary fetch, then each Deferred part', async () => {
    const dir = project({ 'op.graphql': '{ topProducts { name ... @defer(label: "ship") { shippingEstimate } } }' });
    const res = await runCli(['plan', join(dir, 'op.graphql'), '--supergraph', join(ROOT, 'supergraph.yaml')]);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/QueryPlan \{\n {2}Defer \{\n {4}Primary \{[\s\S]*Fetch\(service: "products", id: 0\)/);
    expect(res.stdout).toContain('Deferred(depends: [0], path: "topProducts", label: "ship") {');
    expect(res.stdout).toContain('Fetch(service: "inventory")');
    const json = await runCli(['plan', join(dir, 'op.graphql'), '--supergraph', join(ROOT, 'supergraph.yaml'), '--format', 'json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ object: { kind: 'QueryPlan', node: { kind: 'Defer', deferred: [{ label: 'ship', queryPath: ['topProducts'] }] } } });
  });

  it('prints the Router-dialect JSON with --format json', async () => {
    const dir = project({ 'op.graphql': '{ me { name } }' });
    const res = await runCli(['plan', join(dir, 'op.graphql'), '--supergraph', join(ROOT, 'supergraph.yaml'), '--format', 'json']);
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout) as { object: { kind: string; node: { kind: string; serviceName: string } }; text: string };
    expect(out.object).toMatchObject({ kind: 'QueryPlan', node: { kind: 'Fetch', serviceName: 'accounts' } });
  });

  it('reports where the operation stands against the limits, and exits 1 when the gateway would refuse it', async () => {
    const dir = project({ 'op.graphql': '{ a: topProducts { name } b: topProducts { name } }', 'gateway.yaml': 'limits:\n  maxAliases: 1\n' });
    const res = await runCli(['plan', join(dir, 'op.graphql'), '--supergraph', join(ROOT, 'supergraph.yaml'), '--config', join(dir, 'gateway.yaml')]);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/maxAliases\s+2 \/ 1\s+over/);
    expect(res.stdout).toMatch(/maxDepth\s+2 \/ 20\s+ok/);
    expect(res.stdout).toContain('The gateway would refuse this operation: MAX_ALIASES_LIMIT.');
  });

  it('reports the estimated cost, with variables, and refuses what demand control would', async () => {
    const dir = project({ 'op.graphql': 'query Top($n: Int) { topProducts(first: $n) { name reviews { body } } }' });
    const ok = await runCli(['plan', join(dir, 'op.graphql'), '--supergraph', join(ROOT, 'supergraph.yaml'), '--variables', '{"n": 3}']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('Estimated cost: 33 (max 50000, enforce)');
    const big = await runCli(['plan', join(dir, 'op.graphql'), '--supergraph', join(ROOT, 'supergraph.yaml'), '--variables', '{"n": 100000}']);
    expect(big.code).toBe(1);
    expect(big.stdout).toContain('Estimated cost: 1100000 (max 50000, enforce)');
    expect(big.stdout).toContain('The gateway would refuse this operation: COST_ESTIMATED_TOO_EXPENSIVE.');
  });

  it('fails with the validation errors of an operation the schema does not have', async () => {
    const dir = project({ 'op.graphql': '{ topProducts { nope } }' });
    const res = await runCli(['plan', join(dir, 'op.graphql'), '--supergraph', join(ROOT, 'supergraph.yaml')]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('Cannot query field "nope" on type "Product".');
  });
});
