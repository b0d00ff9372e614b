// Memory across supergraph activations: the four sample subgraphs, Junction with the registry on, and 50
// publishes (each a real new supergraph), with the benchmark query served between them. Heap and RSS are
// read after a full GC every 10 activations.
//
// Usage: node --expose-gc dist/bench/reloads.js [--activations 50] [--json]
process.env.APOLLO_TELEMETRY_DISABLED = 'true';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { print } from 'graphql';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/observability';
import { startJunction } from '../src/server';
import { SUBGRAPHS, startAllSubgraphs } from '../subgraphs';
import { BENCHMARK_QUERY } from './queries';

const ADMIN_TOKEN = 'reloads-admin-token-0123456789abcdef';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { activations: { type: 'string', default: '50' }, json: { type: 'boolean', default: false } }, strict: true });
  const activations = Number(values.activations);
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  const fleet = await startAllSubgraphs({ host: '127.0.0.1' });
  const dir = mkdtempSync(join(tmpdir(), 'junction-reloads-'));
  const seed = join(dir, 'supergraph.yaml');
  const sdlOf = (name: keyof typeof SUBGRAPHS) => print(SUBGRAPHS[name].typeDefs);
  const lines = ['federation_version: =2.9.3', 'subgraphs:'];
  for (const s of fleet.subgraphs) lines.push(`  ${s.name}:`, `    routing_url: ${s.url}`, '    schema:', `      sdl: ${JSON.stringify(sdlOf(s.name as keyof typeof SUBGRAPHS))}`);
  writeFileSync(seed, lines.join('\n'));
  const config = loadConfig({
    file: write(join(dir, 'gateway.yaml'), `registry:\n  enabled: true\n  dataDir: ${join(dir, 'registry')}\nadmin:\n  token:\n    value: ${ADMIN_TOKEN}\nlogging:\n  level: warn\n`),
    env: { NODE_ENV: 'production' },
    overrides: { port: 0, host: '127.0.0.1' },
  });
  if (!config.ok) throw new Error(config.problems.join('\n'));
  const junction = await startJunction({ config: config.value, supergraph: { path: seed }, logger: createLogger('warn') });
  await junction.ready;
  const origin = junction.url.replace('/graphql', '');
  const query = async () => {
    const res = await fetch(junction.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: BENCHMARK_QUERY }) });
    const body = (await res.json()) as { errors?: unknown };
    if (res.status !== 200 || body.errors) throw new Error(`the benchmark query failed: ${JSON.stringify(body).slice(0, 300)}`);
  };
  const reviewsUrl = fleet.subgraphs.find((s) => s.name === 'reviews')?.url as string;
  const samples: Array<{ activations: number; heapMiB: number; rssMiB: number }> = [];
  const sample = (n: number) => {
    gc();
    gc();
    const { heapUsed, rss } = process.memoryUsage();
    samples.push({ activations: n, heapMiB: heapUsed / 2 ** 20, rssMiB: rss / 2 ** 20 });
  };
  for (let i = 0; i < 20; i++) await query();
  sample(0);
  const started = Date.now();
  for (let n = 1; n <= activations; n++) {
    const sdl = sdlOf('reviews').replace('type Review', `"""Revision ${n}."""\ntype Review`);
    const res = await fetch(`${origin}/admin/subgraphs/reviews`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ url: reviewsUrl, sdl }) });
    const body = (await res.json()) as { changed?: boolean };
    if (res.status !== 200 || !body.changed) throw new Error(`publish ${n} failed: ${JSON.stringify(body).slice(0, 300)}`);
    for (let i = 0; i < 5; i++) await query();
    if (n % 10 === 0) sample(n);
  }
  const ms = Date.now() - started;
  await junction.stop();
  await fleet.stop();
  const first = samples.find((s) => s.activations === 10) ?? samples[0];
  const last = samples[samples.length - 1];
  if (values.json) {
    console.log(JSON.stringify({ activations, ms, samples }, null, 2));
    return;
  }
  console.log(`${activations} activations (publish → compose → warm → swap, then 5 benchmark queries each) in ${(ms / 1000).toFixed(1)} s`);
  console.log('activations  heap MiB (after GC)  RSS MiB');
  for (const s of samples) console.log(`${String(s.activations).padStart(11)}  ${s.heapMiB.toFixed(1).padStart(19)}  ${s.rssMiB.toFixed(1).padStart(7)}`);
  if (first && last) console.log(`heap growth from ${first.activations} to ${last.activations} activations: ${(last.heapMiB - first.heapMiB).toFixed(1)} MiB; RSS ${(last.rssMiB - first.rssMiB).toFixed(1)} MiB`);
}

function write(path: string, text: string): string {
  writeFileSync(path, text);
  return path;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
