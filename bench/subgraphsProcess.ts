// Child process entry, forked by bench/processes.ts: runs the four sample subgraphs on free ports
// and reports their URLs to the parent over IPC. The subgraphs module turns Apollo telemetry off
// before @apollo/server loads (and the parent sets APOLLO_TELEMETRY_DISABLED too).
import { startSubgraph, SUBGRAPH_NAMES, type RunningSubgraph } from '../subgraphs';
import { parseSubgraphArgs } from '../subgraphs/args';
import { startMemoProxy } from './memoProxy';
import type { SubgraphsMessage } from './processes';
import { countFrontDoorTraffic, type TrafficReply, type TrafficRequest } from './subgraphTraffic';

const PUBLIC_CACHE_CONTROL = 'public, max-age=60';

async function main(): Promise<void> {
  const send = process.send?.bind(process);
  if (!send) {
    console.error('bench/subgraphsProcess must be started by the benchmark (it reports over IPC).');
    process.exit(2);
  }
  const started: Array<Pick<RunningSubgraph, 'stop'>> = [];
  const endpoints: Array<{ name: string; url: string }> = [];
  const publicEndpoints: Array<{ name: string; url: string }> = [];
  const stopAll = async (): Promise<void> => {
    await Promise.allSettled(started.map((s) => s.stop()));
  };
  const memo = process.env.BENCH_SUBGRAPH_MEMO === '1';
  // The subgraphs' own settings (INVENTORY_SHIPPING_DELAY_MS: the @defer run's slow field), read as they read them.
  const options = parseSubgraphArgs([], { INVENTORY_SHIPPING_DELAY_MS: process.env.INVENTORY_SHIPPING_DELAY_MS });
  if (options.kind !== 'start') {
    send({ type: 'error', message: options.kind === 'error' ? options.message : 'unexpected --help' } satisfies SubgraphsMessage);
    process.exit(1);
  }
  // Exit when the parent says so (SIGTERM) or disappears (IPC closes), so a crashed or
  // Ctrl-C'd harness never leaves subgraphs holding ports.
  const exit = (code: number) => () => void stopAll().finally(() => process.exit(code));
  process.once('SIGTERM', exit(0));
  process.once('SIGINT', exit(0));
  process.once('disconnect', exit(0));

  try {
    for (const name of SUBGRAPH_NAMES) {
      const subgraph = await startSubgraph(name, { port: 0, host: '127.0.0.1', shippingDelayMs: options.shippingDelayMs });
      started.push(subgraph);
      // The cache-hit workloads' front: every answer `public, max-age=60`, so the whole response is cacheable for 60 s.
      const publicFront = await startMemoProxy(subgraph.url, { memo, cacheControl: PUBLIC_CACHE_CONTROL });
      started.push(publicFront);
      publicEndpoints.push({ name, url: publicFront.url });
      if (!memo) {
        endpoints.push({ name, url: subgraph.url });
        continue;
      }
      const proxy = await startMemoProxy(subgraph.url);
      started.push(proxy);
      endpoints.push({ name, url: proxy.url });
    }
  } catch (error) {
    const message: SubgraphsMessage = { type: 'error', message: error instanceof Error ? error.message : String(error) };
    send(message);
    await stopAll();
    process.exit(1);
  }
  // Counted where the gateways knock (the memo proxies, or the subgraphs themselves); the harness reads the
  // counters at the edges of each measured window.
  const traffic = countFrontDoorTraffic(new Map([...endpoints, ...publicEndpoints].map((e) => [Number(new URL(e.url).port), e.name])));
  process.on('message', (request: Partial<TrafficRequest>) => {
    if (request?.type !== 'traffic' || typeof request.id !== 'number') return;
    const reply: TrafficReply = { type: 'traffic', id: request.id, counts: traffic() };
    send(reply);
  });
  const message: SubgraphsMessage = { type: 'ready', subgraphs: endpoints, publicSubgraphs: publicEndpoints };
  send(message);
  // The listening servers keep the process alive until one of the handlers above ends it.
}

void main();
