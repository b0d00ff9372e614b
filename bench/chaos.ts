// A subgraph killed and restarted under load: the four sample subgraphs in this process, Junction in its own
// (`junction serve`, production mode), 50 concurrent clients for 60 s. Inventory is stopped at 20 s and
// started again on the same port at 35 s. Every answer is classified: complete, partial with errors only at
// inventory's fields, or anything else (a failure). Reports the counts, the gateway's health, and how long
// after inventory's return the answers were complete again.
//
// Usage: node dist/bench/chaos.js [--duration 60] [--connections 50] [--kill-at 20] [--restart-at 35]
process.env.APOLLO_TELEMETRY_DISABLED = 'true';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { print } from 'graphql';
import { Pool } from 'undici';
import { SUBGRAPHS, startSubgraph, SUBGRAPH_NAMES, type RunningSubgraph, type SubgraphName } from '../subgraphs';
import { freePort } from './processes';

const QUERY = '{ topProducts(first: 5) { upc name price inStock shippingEstimate reviews { body } } }';
const INVENTORY_FIELDS = new Set(['inStock', 'shippingEstimate']);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { duration: { type: 'string', default: '60' }, connections: { type: 'string', default: '50' }, 'kill-at': { type: 'string', default: '20' }, 'restart-at': { type: 'string', default: '35' } },
    strict: true,
  });
  const durationMs = Number(values.duration) * 1000;
  const killAt = Number(values['kill-at']) * 1000;
  const restartAt = Number(values['restart-at']) * 1000;
  const connections = Number(values.connections);

  const running = new Map<SubgraphName, RunningSubgraph>();
  for (const name of SUBGRAPH_NAMES) running.set(name, await startSubgraph(name, { port: 0, host: '127.0.0.1' }));
  const dir = mkdtempSync(join(tmpdir(), 'junction-chaos-'));
  const lines = ['federation_version: =2.9.3', 'subgraphs:'];
  for (const [name, s] of running) lines.push(`  ${name}:`, `    routing_url: ${s.url}`, '    schema:', `      sdl: ${JSON.stringify(print(SUBGRAPHS[name].typeDefs))}`);
  writeFileSync(join(dir, 'supergraph.yaml'), lines.join('\n'));
  writeFileSync(join(dir, 'gateway.yaml'), 'logging:\n  level: warn\nlimits:\n  mode: measure\n');
  const port = await freePort('127.0.0.1');
  const gateway = spawn(process.execPath, [resolve(__dirname, '../src/cli/index.js'), 'serve', '--supergraph', join(dir, 'supergraph.yaml'), '--config', join(dir, 'gateway.yaml'), '--port', String(port), '--host', '127.0.0.1'], {
    env: { ...process.env, NODE_ENV: 'production', APOLLO_TELEMETRY_DISABLED: 'true' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  let exited: number | null | undefined;
  gateway.on('exit', (code) => (exited = code));
  const origin = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const ok = await fetch(`${origin}/health`).then((r) => r.ok, () => false);
    if (ok) break;
    if (i > 200) throw new Error('the gateway did not become healthy');
    await new Promise((r) => setTimeout(r, 50));
  }

  const pool = new Pool(origin, { connections });
  const counts = { complete: 0, partial: 0, failed: 0 };
  const failures = new Map<string, number>();
  let lastIncompleteAt = 0;
  const started = Date.now();
  const inventoryPort = new URL((running.get('inventory') as RunningSubgraph).url).port;
  let restartedAt = 0;
  const timeline = (async () => {
    await new Promise((r) => setTimeout(r, killAt));
    await (running.get('inventory') as RunningSubgraph).stop();
    console.log(`t=${((Date.now() - started) / 1000).toFixed(1)} s: inventory stopped`);
    await new Promise((r) => setTimeout(r, restartAt - killAt));
    running.set('inventory', await startSubgraph('inventory', { port: Number(inventoryPort), host: '127.0.0.1' }));
    restartedAt = Date.now();
    console.log(`t=${((restartedAt - started) / 1000).toFixed(1)} s: inventory started again on port ${inventoryPort}`);
  })();
  const body = JSON.stringify({ query: QUERY });
  const worker = async () => {
    while (Date.now() - started < durationMs) {
      let kind: keyof typeof counts = 'failed';
      let reason = '';
      try {
        const res = await pool.request({ path: '/graphql', method: 'POST', headers: { 'content-type': 'application/json' }, body });
        const json = (await res.body.json()) as { data?: { topProducts?: unknown[] } | null; errors?: Array<{ path?: unknown[]; extensions?: { code?: string } }> };
        if (res.statusCode !== 200 || !json.data?.topProducts) reason = `HTTP ${res.statusCode} ${JSON.stringify(json.errors?.[0] ?? {}).slice(0, 120)}`;
        else if (!json.errors) kind = 'complete';
        else if (json.errors.every((e) => onlyInventory(e.path))) kind = 'partial';
        else reason = `errors elsewhere: ${JSON.stringify(json.errors[0]).slice(0, 160)}`;
      } catch (err) {
        reason = `transport: ${err instanceof Error ? err.message : String(err)}`;
      }
      counts[kind]++;
      if (kind !== 'complete') lastIncompleteAt = Date.now();
      if (reason) failures.set(reason, (failures.get(reason) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  await timeline;
  await pool.close();
  const alive = exited === undefined;
  gateway.kill('SIGTERM');
  await Promise.all([...running.values()].map((s) => s.stop().catch(() => undefined)));
  const total = counts.complete + counts.partial + counts.failed;
  console.log(`\n${total} requests in ${(durationMs / 1000).toFixed(0)} s at ${connections} connections (inventory down from ${killAt / 1000} s to ${restartAt / 1000} s)`);
  console.log(`complete answers:                           ${counts.complete}`);
  console.log(`partial (errors only at inventory's fields): ${counts.partial}`);
  console.log(`failed (anything else):                     ${counts.failed}`);
  for (const [reason, n] of failures) if (!reason.startsWith('errors elsewhere') || n > 0) console.log(`  ${n} × ${reason}`);
  console.log(`gateway process alive at the end: ${alive ? 'yes' : `no (exit ${exited})`}`);
  console.log(`last incomplete answer ${((lastIncompleteAt - restartedAt) / 1000).toFixed(2)} s after inventory's return`);
}

// An error path under topProducts.<i>.<inventory field>, or the entity itself (a failed inventory fetch).
function onlyInventory(path: unknown[] | undefined): boolean {
  if (!path || path[0] !== 'topProducts') return false;
  const field = path[2];
  return path.length === 2 || (typeof field === 'string' && INVENTORY_FIELDS.has(field));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
