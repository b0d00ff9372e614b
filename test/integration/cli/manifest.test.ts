import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runCli } from '../../helpers/cli';
import { writeTemp } from '../../helpers/gateway';

const ROOT = join(__dirname, '../../..');
const SUPERGRAPH = join(ROOT, 'supergraph.yaml');

interface Entry {
  name?: string;
  body: string;
  type?: string;
}

/** A manifest as Apollo's generator writes it: each id is the sha256 of its body. */
function manifest(entries: Entry[]): string {
  const operations = entries.map((e) => ({ id: idOf(e.body), type: 'query', ...e }));
  return writeTemp('manifest.json', JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations }));
}

function idOf(body: string): string {
  return createHash('sha256').update(body).digest('hex');
}

const TOP = 'query TopProducts { topProducts { name inStock } }';
const ME = 'query Me { me { name reviews { body } } }';
const TWO = 'query Other { me { id } } query ProductPage { product(upc: "1") { name price shippingEstimate } }';
const SHIPPED = [{ name: 'TopProducts', body: TOP }, { name: 'Me', body: ME }, { name: 'ProductPage', body: TWO }];

/** The sample supergraph after a change that drops `Product.inStock` from the inventory subgraph. */
function supergraphWithoutInStock(): string {
  const inventory = readFileSync(join(ROOT, 'subgraphs/inventory/schema.graphql'), 'utf8').replace(/^\s*inStock: Boolean\n/m, '');
  expect(inventory).not.toContain('inStock');
  const dir = dirname(writeTemp('inventory.graphql', inventory));
  const subgraph = (name: string, file: string) => `  ${name}:\n    routing_url: http://${name}/graphql\n    schema:\n      file: ${file}\n`;
  const yaml =
    'federation_version: =2.9.3\nsubgraphs:\n' +
    subgraph('accounts', join(ROOT, 'subgraphs/accounts/schema.graphql')) +
    subgraph('inventory', join(dir, 'inventory.graphql')) +
    subgraph('products', join(ROOT, 'subgraphs/products/schema.graphql')) +
    subgraph('reviews', join(ROOT, 'subgraphs/reviews/schema.graphql'));
  return writeTemp('supergraph.yaml', yaml);
}

interface JsonReport {
  operations: Array<{ id: string; name: string | null; ok: boolean; problems: Array<{ code: string; message: string }>; warnings: Array<{ code: string }> }>;
  ok: number;
  failed: number;
}

describe('junction manifest check', () => {
  it('lists every operation ok and exits 0 when the supergraph serves them all', async () => {
    const res = await runCli(['manifest', 'check', manifest(SHIPPED), '--supergraph', SUPERGRAPH]);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout.split('\n')).toEqual(['ok  TopProducts', 'ok  Me', 'ok  ProductPage', '', '3 operations: 3 ok, 0 failed', '']);
  });

  it('fails the operation a schema change breaks, naming it with the validation error, and exits 1', async () => {
    const file = manifest(SHIPPED);
    const res = await runCli(['manifest', 'check', file, '--supergraph', supergraphWithoutInStock()]);
    expect(res.code).toBe(1);
    expect(res.stdout).toContain(`FAIL TopProducts (${idOf(TOP)})\n     GRAPHQL_VALIDATION_FAILED: Cannot query field "inStock" on type "Product".`);
    expect(res.stdout).toContain('ok  Me\n');
    expect(res.stdout).toContain('ok  ProductPage\n');
    expect(res.stdout).toContain('3 operations: 2 ok, 1 failed');
  });

  it('fails an operation over an enforced limit with its code, and only warns in measure mode', async () => {
    const deep = manifest([{ name: 'Me', body: ME }, { name: 'Shallow', body: 'query Shallow { topProducts { name } }' }]);
    const enforce = await runCli(['manifest', 'check', deep, '--supergraph', SUPERGRAPH, '--config', writeTemp('gateway.yaml', 'limits:\n  maxDepth: 2\n')]);
    expect(enforce.code).toBe(1);
    expect(enforce.stdout).toContain(`FAIL Me (${idOf(ME)})\n     MAX_DEPTH_LIMIT: The operation's depth (3) exceeds the maximum of 2.`);
    expect(enforce.stdout).toContain('ok  Shallow\n');

    const measure = await runCli(['manifest', 'check', deep, '--supergraph', SUPERGRAPH, '--config', writeTemp('gateway.yaml', 'limits:\n  maxDepth: { max: 2, mode: measure }\n')]);
    expect(measure.code).toBe(0);
    expect(measure.stdout).toContain('ok  Me\n     warning MAX_DEPTH_LIMIT: The operation\'s depth (3) exceeds the maximum of 2.');
    expect(measure.stdout).toContain('2 operations: 2 ok, 0 failed');
  });

  it('reports syntax errors, subscriptions and costs over cost.max, as JSON with --format json', async () => {
    const broken = '{ topProducts { name }';
    const file = manifest([
      { name: 'TopProducts', body: TOP },
      { body: broken },
      { name: 'OnReview', type: 'subscription', body: 'subscription OnReview { reviewAdded { id } }' },
      { name: 'Expensive', body: 'query Expensive { topProducts(first: 100) { reviews { author { reviews { body } } } } }' },
    ]);
    const res = await runCli(['manifest', 'check', file, '--supergraph', SUPERGRAPH, '--config', writeTemp('gateway.yaml', 'cost:\n  max: 1000\n'), '--format', 'json']);
    expect(res.code).toBe(1);
    const report = JSON.parse(res.stdout) as JsonReport;
    expect(report).toMatchObject({ ok: 2, failed: 2 });
    expect(report.operations).toEqual([
      { id: idOf(TOP), name: 'TopProducts', ok: true, problems: [], warnings: [] },
      { id: idOf(broken), name: null, ok: false, problems: [{ code: 'GRAPHQL_PARSE_FAILED', message: 'Syntax Error: Expected Name, found <EOF>.' }], warnings: [] },
      expect.objectContaining({ name: 'OnReview', ok: true, problems: [] }),
      expect.objectContaining({ name: 'Expensive', ok: false, problems: [{ code: 'COST_ESTIMATED_TOO_EXPENSIVE', message: expect.stringMatching(/estimated cost \(\d+\) exceeds the maximum of 1000\./) }] }),
    ]);
  });

  it('prints the problems of a malformed manifest and exits 1', async () => {
    const badJson = await runCli(['manifest', 'check', writeTemp('manifest.json', '{ "format": '), '--supergraph', SUPERGRAPH]);
    expect(badJson.code).toBe(1);
    expect(badJson.stderr).toContain('not valid JSON');
    expect(badJson.stdout).toBe('');

    const wrongFormat = writeTemp('manifest.json', JSON.stringify({ format: 'relay', version: 1, operations: [] }));
    const res = await runCli(['manifest', 'check', wrongFormat, '--supergraph', SUPERGRAPH]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`${wrongFormat}: "format" must be "apollo-persisted-query-manifest"`);
  });

  it.each([
    [[], 'manifest needs a sub-command: check'],
    [['lint'], 'unknown manifest sub-command "lint"'],
    [['check'], 'manifest check needs exactly one <manifest.json>'],
    [['check', 'manifest.json'], 'manifest check needs --supergraph'],
    [['check', 'manifest.json', '--supergraph', 'supergraph.yaml', '--format', 'xml'], '--format is text or json'],
  ])('exits 2 with usage for manifest %j', async (args, message) => {
    const res = await runCli(['manifest', ...args]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(message);
    expect(res.stderr).toContain('Run `junction manifest check --help` for its options.');
  });
});
