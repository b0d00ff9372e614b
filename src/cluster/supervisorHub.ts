import type { Worker } from 'node:cluster';
import { isWorkerMessage, type SupervisorToWorker } from './messages';
import { MetricsTotals } from './metricsTotals';

/** How long a scrape waits for every worker's metrics; a worker later than that counts with its previous ones. */
const COLLECT_TIMEOUT_MS = 2_000;

/**
 * The supervisor's side of "N workers, one gateway": it sums the workers' metrics for whichever worker a
 * scrape reached, tells every worker which supergraph each one serves (for /health and /ready), and, with
 * in-memory rate limits, holds the one set of counters every worker spends from (rate-limiter-flexible's
 * RateLimiterClusterMaster: workers consume over IPC).
 */
export class SupervisorHub {
  private readonly totals = new MetricsTotals();
  /** Live workers by cluster id, with the supergraph each serves (null until it has one). */
  private readonly live = new Map<number, { worker: Worker; supergraph: string | null }>();
  private readonly collections = new Map<number, (worker: number) => void>();
  /** Invalidations being written by the other workers: told each worker's answer. */
  private readonly markings = new Map<number, (worker: number, ok: boolean) => void>();
  private nextRequest = 0;

  constructor(private readonly expected: number, sharedRateLimits: boolean) {
    // Before any worker starts: a worker's limiter announces itself once, and the master must hear it.
    if (sharedRateLimits) {
      const { RateLimiterClusterMaster } = require('rate-limiter-flexible') as typeof import('rate-limiter-flexible');
      new RateLimiterClusterMaster();
    }
  }

  /** A freshly forked worker. */
  adopt(worker: Worker): void {
    this.live.set(worker.id, { worker, supergraph: null });
    worker.on('message', (message: unknown) => this.onMessage(worker, message));
    this.broadcast();
  }

  /** A worker exited: it no longer counts for readiness, and its counters join the retired totals. */
  async exited(worker: Worker): Promise<void> {
    this.live.delete(worker.id);
    for (const answered of this.collections.values()) answered(worker.id);
    // A worker gone holds no cache any more: it no longer needs the markers.
    for (const answered of this.markings.values()) answered(worker.id, true);
    this.broadcast();
    await this.totals.retire(worker.id);
  }

  private onMessage(worker: Worker, message: unknown): void {
    if (!isWorkerMessage(message)) return;
    const entry = this.live.get(worker.id);
    if (!entry) return;
    switch (message.type) {
      case 'junction:listening':
        // Its link listens by now: the fleet sent at fork time may have arrived before it did.
        return send(worker, this.fleet());
      case 'junction:supergraph':
        entry.supergraph = message.id;
        return this.broadcast();
      case 'junction:metrics':
        if (message.metrics) this.totals.update(worker.id, message.metrics);
        return this.collections.get(message.requestId)?.(worker.id);
      case 'junction:invalidate':
        return void this.invalidateOthers(worker.id, message.tags, message.at).then((ok) => send(worker, { type: 'junction:invalidated', requestId: message.requestId, ok }));
      case 'junction:marked':
        return this.markings.get(message.requestId)?.(worker.id, message.ok);
      case 'junction:scrape':
        return void this.scrape().then(
          (text) => send(worker, { type: 'junction:scraped', requestId: message.requestId, text }),
          (err: unknown) => send(worker, { type: 'junction:scraped', requestId: message.requestId, error: err instanceof Error ? err.message : String(err) }),
        );
    }
  }

  /** Asks every live worker for its metrics, then answers the sum. */
  private async scrape(): Promise<string> {
    const requestId = this.nextRequest++;
    const waiting = new Set(this.live.keys());
    await new Promise<void>((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.collections.delete(requestId);
        resolve();
      };
      const timer = setTimeout(finish, COLLECT_TIMEOUT_MS);
      this.collections.set(requestId, (worker) => {
        waiting.delete(worker);
        if (waiting.size === 0) finish();
      });
      for (const { worker } of this.live.values()) send(worker, { type: 'junction:collect', requestId });
      if (waiting.size === 0) finish();
    });
    return this.totals.render();
  }

  /** Has every live worker but `from` write the markers; true once all have, false if one refused or was late. */
  private invalidateOthers(from: number, tags: string[], at: number): Promise<boolean> {
    const requestId = this.nextRequest++;
    const waiting = new Set([...this.live.keys()].filter((id) => id !== from));
    return new Promise<boolean>((resolve) => {
      let ok = true;
      const finish = (complete: boolean): void => {
        clearTimeout(timer);
        this.markings.delete(requestId);
        resolve(complete && ok);
      };
      const timer = setTimeout(() => finish(false), COLLECT_TIMEOUT_MS);
      this.markings.set(requestId, (worker, marked) => {
        if (!waiting.delete(worker)) return;
        ok &&= marked;
        if (waiting.size === 0) finish(true);
      });
      for (const id of waiting) {
        const entry = this.live.get(id);
        if (entry) send(entry.worker, { type: 'junction:mark', requestId, tags, at });
      }
      if (waiting.size === 0) finish(true);
    });
  }

  private fleet(): SupervisorToWorker {
    return { type: 'junction:fleet', expected: this.expected, supergraphs: [...this.live.values()].map((entry) => entry.supergraph) };
  }

  private broadcast(): void {
    const fleet = this.fleet();
    for (const { worker } of this.live.values()) send(worker, fleet);
  }
}

function send(worker: Worker, message: SupervisorToWorker): void {
  // A worker that is exiting may have lost its channel; its 'exit' is handled elsewhere.
  if (worker.isConnected()) worker.send(message, () => undefined);
}
