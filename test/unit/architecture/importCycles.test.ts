import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../..');
const DPDM = require.resolve('dpdm/lib/bin/dpdm.js');

interface Dependency {
  kind: 'StaticImport' | 'StaticExport' | 'DynamicImport' | 'CommonJS';
  id: string | null;
}

interface Graph {
  tree: Record<string, Dependency[] | null>;
  circulars: string[][];
}

/** src/'s import graph as dpdm reads it: type-only imports and lazy require()s are edges too. */
function importGraph(): Promise<Graph> {
  const dir = mkdtempSync(join(tmpdir(), 'junction-dpdm-'));
  const output = join(dir, 'graph.json');
  const args = [DPDM, '--no-tree', '--no-warning', '--no-circular', '--no-progress', '--tsconfig', 'tsconfig.json', '-o', output, 'src/**/*.ts'];
  return new Promise<Graph>((resolve, reject) =>
    execFile(process.execPath, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? '', FORCE_COLOR: '0' }, timeout: 60_000 }, (err, _stdout, stderr) => {
      try {
        if (err) reject(new Error(`dpdm failed: ${err.message}\n${stderr}`));
        else resolve(JSON.parse(readFileSync(output, 'utf8')) as Graph);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }),
  );
}

describe('src/ import graph', () => {
  let graph: Graph;
  beforeAll(async () => {
    graph = await importGraph();
  }, 60_000);

  it('reads every source file, with type-only imports and lazy require()s as edges', () => {
    const sources = Object.keys(graph.tree).filter((file) => file.startsWith('src/') && file.endsWith('.ts'));
    expect(sources.length).toBeGreaterThan(150);
    const edgesOf = (file: string) => (graph.tree[file] ?? []).map((dependency) => `${dependency.kind} ${dependency.id}`);
    // pipeline/requestContext.ts has nothing but type imports: they are edges too.
    expect(edgesOf('src/pipeline/requestContext.ts')).toContain('StaticImport src/gateway/index.ts');
    // The Redis store backend is loaded lazily, by require().
    expect(edgesOf('src/store/createStore.ts')).toContain('CommonJS src/store/redisStore.ts');
  });

  it('has no import cycle (each listed as a -> b -> … -> a)', () => {
    const cycles = graph.circulars.map((cycle) => [...cycle, cycle[0]].join(' -> '));
    expect(cycles).toEqual([]);
  });
});
