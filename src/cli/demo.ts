import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { JunctionConfig } from '../config';
import { applyHeapGrowth, startJunction } from '../server';
import { parse } from './args';
import { configOrExit, gatewayLogger, runUntilSignal } from './serve';

/** Long enough to see the deferred part arrive after the rest, short enough not to annoy. */
const DEMO_SHIPPING_DELAY_MS = 300;

// dist/src/cli → the package root, where supergraph.yaml and the optional gateway.yaml live.
const ROOT = resolve(__dirname, '../../..');

export const DEMO_OPTIONS = { config: { type: 'string' }, supergraph: { type: 'string' } } as const;

/**
 * `junction demo` (what `npm start` runs): the four sample subgraphs in a child process on 4001–4004 and the
 * gateway on 4000 composing supergraph.yaml, in-memory defaults. Ctrl-C stops both.
 */
export async function demoCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, DEMO_OPTIONS, false);
  const configFile = values.config ?? (existsSync(join(ROOT, 'gateway.yaml')) ? join(ROOT, 'gateway.yaml') : undefined);
  const loaded = configOrExit(configFile, {});
  if (!loaded) return 1;
  const { config, registryDir } = withDemoRegistry(loaded);

  const child = spawn(process.execPath, [join(ROOT, 'dist/subgraphs/main.js')], {
    stdio: ['ignore', 'pipe', 'inherit'],
    // A slow shippingEstimate shows what @defer buys (the rest of the answer arrives first); the user's own
    // INVENTORY_SHIPPING_DELAY_MS wins, so `INVENTORY_SHIPPING_DELAY_MS=0 npm start` turns it off.
    env: { INVENTORY_SHIPPING_DELAY_MS: String(DEMO_SHIPPING_DELAY_MS), ...process.env, APOLLO_TELEMETRY_DISABLED: 'true' },
  });
  let childExited = false;
  const exited = new Promise<number>((done) => child.once('exit', (code) => ((childExited = true), done(code ?? 0))));
  // The gateway starts once every subgraph listens, so the first request after "listening" is answered.
  const subgraphsUp = new Promise<boolean>((resolve) => {
    let seen = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      seen += (chunk.toString().match(/http:\/\//g) ?? []).length;
      if (seen >= 4) resolve(true);
    });
    void exited.then(() => resolve(false));
  });
  if (!(await subgraphsUp)) {
    console.error('The sample subgraphs did not start (are ports 4001–4004 free?); stopping the demo.');
    return 1;
  }

  const logger = gatewayLogger(config, applyHeapGrowth(config.server.heapGrowthPercent));
  const junction = await startJunction({ config, supergraph: { path: values.supergraph ?? join(ROOT, 'supergraph.yaml') }, logger });
  // If the subgraphs cannot start (ports taken), the demo cannot work: say so and stop.
  void exited.then((code) => {
    if (code !== 0) {
      console.error(`The sample subgraphs exited with code ${code}; stopping the demo.`);
      void junction.stop().then(() => process.exit(1));
    }
  });
  await junction.ready;
  printRegistryHint(config);
  console.log('Try: curl -s localhost:4000/graphql -H "content-type: application/json" -d \'{"query":"{ topProducts { name price inStock reviews { body author { name } } } }"}\'');
  console.log('@defer: curl -N localhost:4000/graphql -H "content-type: application/json" -H "accept: multipart/mixed;deferSpec=20220824, application/json" -d \'{"query":"{ topProducts { name ... @defer { shippingEstimate } } }"}\'');
  await runUntilSignal(junction, async () => {
    if (!childExited) child.kill('SIGTERM');
    await exited;
    if (registryDir) rmSync(registryDir, { recursive: true, force: true });
  });
  return 0;
}

/**
 * With an admin token (JUNCTION_ADMIN_TOKEN) the demo runs the subgraph registry, seeded from supergraph.yaml, in
 * a directory of its own per run: each `npm start` begins from the sample schemas, whatever an earlier tour
 * published. A gateway.yaml that turns the registry on itself is taken as it is.
 */
export function withDemoRegistry(config: JunctionConfig): { config: JunctionConfig; registryDir: string | undefined } {
  if (!config.admin.token || config.registry.enabled) return { config, registryDir: undefined };
  const registryDir = mkdtempSync(join(tmpdir(), 'junction-demo-registry-'));
  return { config: { ...config, registry: { ...config.registry, enabled: true, backend: 'file', dataDir: registryDir } }, registryDir };
}

function printRegistryHint(config: JunctionConfig): void {
  if (!config.registry.enabled) {
    console.log('Subgraph registry: off. Set JUNCTION_ADMIN_TOKEN (32+ characters) to turn it on, e.g. JUNCTION_ADMIN_TOKEN=$(openssl rand -hex 16) npm start');
    return;
  }
  console.log('Subgraph registry: on (the admin token is JUNCTION_ADMIN_TOKEN). With it exported in another terminal:');
  console.log('  npx junction subgraphs list');
  console.log('  npx junction check reviews --schema subgraphs/reviews/schema.graphql');
  console.log('  npx junction publish reviews --url http://localhost:4004/graphql --schema subgraphs/reviews/schema.graphql');
  console.log('  npx junction history ; npx junction rollback 1');
}
