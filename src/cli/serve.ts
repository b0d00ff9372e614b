import { existsSync } from 'node:fs';
import { loadConfig, type JunctionConfig } from '../config';
import { WorkerLink } from '../cluster';
import { createLogger, type Logger } from '../observability';
import { announceListening, applyHeapGrowth, describeHeapGrowth, isWorker, startJunction, superviseWorkers, workerCount, type HeapGrowth, type Junction } from '../server';
import { parse, portOption } from './args';
import { UsageError } from './usage';

export const SERVE_OPTIONS = { supergraph: { type: 'string' }, config: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' }, workers: { type: 'string' } } as const;

/** `junction serve`: runs the gateway until SIGTERM/SIGINT, then drains and exits 0. */
export async function serveCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, SERVE_OPTIONS, false);
  if (values.supergraph !== undefined && !existsSync(values.supergraph)) {
    console.error(`cannot read ${values.supergraph}`);
    return 1;
  }
  const workersFlag = values.workers === undefined ? undefined : workerCount(values.workers);
  if (values.workers !== undefined && workersFlag === undefined) throw new UsageError(`--workers must be a number from 1 to 256 or "auto", got "${values.workers}"`);
  const config = configOrExit(values.config, { port: portOption(values.port), host: values.host, workers: workersFlag });
  if (!config) return 1;
  // With the registry on, the registry is the supergraph's source; a supergraph.yaml only seeds an empty one.
  if (!values.supergraph && !config.registry.enabled) throw new UsageError('serve needs --supergraph <supergraph.yaml | supergraph.graphql> (or registry.enabled in --config)');
  const heapGrowth = applyHeapGrowth(config.server.heapGrowthPercent);
  if (config.server.workers > 1 && !isWorker()) {
    const sharedRateLimits = config.rateLimit.enabled && config.store.backend === 'memory';
    return superviseWorkers({ workers: config.server.workers, shutdownGraceMs: config.server.shutdownGraceMs, sharedRateLimits, log: (line) => console.log(line) });
  }
  // A worker of --workers N: one gateway with its siblings (the supervisor sums metrics, holds in-memory rate limits).
  const worker = isWorker() ? new WorkerLink() : undefined;
  const logger = gatewayLogger(config, heapGrowth);
  const junction = await startJunction({ config, ...(values.supergraph ? { supergraph: { path: values.supergraph } } : {}), logger, worker });
  if (isWorker()) {
    announceListening(junction.url);
    // A worker whose supervisor is gone drains and exits instead of serving unsupervised.
    process.once('disconnect', () => void junction.stop().then(() => process.exit(0)));
  }
  await runUntilSignal(junction, async () => {}, !isWorker());
  // The IPC channel to the supervisor would keep a drained worker alive.
  if (isWorker()) process.exit(0);
  return 0;
}

/** The gateway process's logger; its first line says how the V8 heap may grow (applyHeapGrowth's decision). */
export function gatewayLogger(config: JunctionConfig, heapGrowth: HeapGrowth): Logger {
  const logger = createLogger(config.logging.level);
  logger.info({ heapGrowth: describeHeapGrowth(heapGrowth) }, 'V8 heap growth');
  return logger;
}

/** Loads gateway.yaml + env; on problems prints every one of them and returns undefined. */
export function configOrExit(
  file: string | undefined,
  overrides: { port?: number | undefined; host?: string | undefined; workers?: number | undefined },
): JunctionConfig | undefined {
  const loaded = loadConfig({ file, overrides });
  if (loaded.ok) return loaded.value;
  console.error(`Invalid configuration:\n${loaded.problems.map((p) => `  - ${p}`).join('\n')}`);
  return undefined;
}

export async function runUntilSignal(junction: Junction, alsoStop: () => Promise<void> = async () => {}, announce = true): Promise<void> {
  if (announce) console.log(`Junction listening on ${junction.url}`);
  await new Promise<void>((resolve) => {
    let stopping = false;
    const onSignal = (): void => {
      if (stopping) process.exit(1); // a second Ctrl-C: stop waiting
      stopping = true;
      void junction
        .stop()
        .then(alsoStop)
        .finally(resolve);
    };
    process.on('SIGTERM', onSignal);
    // A worker drains when its supervisor says so (SIGTERM); Ctrl-C reaches the supervisor, not each worker.
    if (!isWorker()) process.on('SIGINT', onSignal);
    else process.on('SIGINT', () => undefined);
  });
}
