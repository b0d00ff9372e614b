import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import { SupervisorHub, type ListeningMessage } from '../cluster';

export interface SupervisorOptions {
  workers: number;
  /** How long workers get to drain on SIGTERM before they are killed. */
  shutdownGraceMs: number;
  /** Rate limits on with the in-memory store: the supervisor holds the counters every worker spends from. */
  sharedRateLimits: boolean;
  log: (line: string) => void;
}

/** Crash loops are slowed down: a worker that keeps dying is restarted at most this often. */
const RESTART_DELAY_MS = [0, 250, 1_000, 5_000];

/**
 * The primary process of `junction serve --workers N`: forks N workers that share the listening port
 * (node:cluster), restarts a worker that dies, and on SIGTERM/SIGINT lets every worker drain, then exits 0.
 * Each worker is a whole gateway, and together they present one (SupervisorHub): /metrics answers the sum over
 * workers, in-memory rate limits are counted once here, /ready waits for every worker to serve the same
 * supergraph. In-memory caches stay per worker (docs/workers.md).
 */
export async function superviseWorkers(options: SupervisorOptions): Promise<number> {
  let stopping = false;
  let announced = false;
  const recentCrashes: number[] = [];
  const hub = new SupervisorHub(options.workers, options.sharedRateLimits);

  const fork = (): Worker => {
    const worker = cluster.fork({ JUNCTION_WORKER: '1' });
    hub.adopt(worker);
    worker.on('message', (message: ListeningMessage) => {
      if (message?.type !== 'junction:listening') return;
      options.log(`worker ${worker.process.pid} ready`);
      if (!announced) {
        announced = true;
        options.log(`Junction listening on ${message.url} (${options.workers} workers)`);
      }
    });
    return worker;
  };

  cluster.on('exit', (worker, code, signal) => {
    void hub.exited(worker);
    if (stopping) return;
    const now = Date.now();
    recentCrashes.push(now);
    while (recentCrashes.length > 0 && (recentCrashes[0] as number) < now - 60_000) recentCrashes.shift();
    const delay = RESTART_DELAY_MS[Math.min(recentCrashes.length - 1, RESTART_DELAY_MS.length - 1)] ?? 5_000;
    options.log(`worker ${worker.process.pid} exited (${signal ?? `code ${code}`}); restarting${delay ? ` in ${delay} ms` : ''}`);
    setTimeout(() => {
      if (!stopping) fork();
    }, delay).unref();
  });

  for (let i = 0; i < options.workers; i++) fork();

  await new Promise<void>((resolve) => {
    const onSignal = (): void => {
      if (stopping) return;
      stopping = true;
      const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
      if (workers.length === 0) return resolve();
      let left = workers.length;
      // Workers drain themselves on SIGTERM; any still alive after the grace period is killed.
      const killer = setTimeout(() => workers.forEach((w) => w.process.kill('SIGKILL')), options.shutdownGraceMs + 5_000);
      for (const worker of workers) {
        worker.once('exit', () => {
          if (--left === 0) {
            clearTimeout(killer);
            resolve();
          }
        });
        worker.process.kill('SIGTERM');
      }
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
  return 0;
}

/** `--workers`: a count, or `auto` for one per core. */
export function workerCount(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (value === 'auto') return availableParallelism();
  const n = typeof value === 'number' ? value : /^\d+$/.test(value) ? Number(value) : NaN;
  return Number.isInteger(n) && n >= 1 && n <= 256 ? n : undefined;
}

export function isWorker(): boolean {
  return cluster.isWorker;
}

/** In a worker: tell the supervisor where the server listens. */
export function announceListening(url: string): void {
  if (cluster.isWorker && process.send) process.send({ type: 'junction:listening', url } satisfies ListeningMessage);
}
