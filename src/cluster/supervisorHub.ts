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
  /** Requests to workers awaiting their answers (see `ask`): told each worker's answer. */
  private readonly asked = new Map<number, (worker: number, ok: boolean) => void>();
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
    // A worker gone is not waited for: its metrics are the last it sent, and it holds no cache to invalidate.
    for (const answered of this.asked.values()) answered(worker.id, true);
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
        return this.asked.get(message.requestId)?.(worker.id, true);
      case 'junction:invalidate':
        return void this.invalidateOthers(worker.id, message.tags, message.at).then((ok) => send(worker, { type: 'junction:invalidated', requestId: message.requestId, ok }));
      case 'junction:marked':
        return this.asked.get(message.requestId)?.(worker.id, message.ok);
      case 'junction:scrape':
        return void this.scrape().then(
          (text) => send(worker, { type: 'junction:scraped', requestId: message.requestId, text }),
          (err: unknown) => send(worker, { type: 'junction:scraped', requestId: message.requestId, error: err instanceof Error ? err.message : String(err) }),
        );
    }
  }

  /** Asks every live worker for its metrics, then answers the sum (a worker late by 2 s counts with its last ones). */
  private async scrape(): Promise<string> {
    await this.ask([...this.live.keys()], (requestId) => ({ type: 'junction:collect', requestId }));
    return this.totals.render();
  }

  /** Has every live worker but `from` write the markers; true once all have, false if one refused or was late. */
  private invalidateOthers(from: number, tags: string[], at: number): Promise<boolean> {
    const others = [...this.live.keys()].filter((id) => id !== from);
    return this.ask(others, (requestId) => ({ type: 'junction:mark', requestId, tags, at }));
  }

  /**
   * Sends each of these workers a request and waits for all their answers, at most COLLECT_TIMEOUT_MS; a worker
   * that exits meanwhile counts as answered. True when every one answered and none said no.
   */
  private ask(workers: readonly number[], message: (requestId: number) => SupervisorToWorker): Promise<boolean> {
    const requestId = this.nextRequest++;
    const waiting = new Set(workers);
    return new Promise<boolean>((resolve) => {
      let ok = true;
      const finish = (complete: boolean): void => {
        clearTimeout(timer);
        this.asked.delete(requestId);
        resolve(complete && ok);
      };
      const timer = setTimeout(() => finish(false), COLLECT_TIMEOUT_MS);
      this.asked.set(requestId, (worker, answer) => {
        if (!waiting.delete(worker)) return;
        ok &&= answer;
        if (waiting.size === 0) finish(true);
      });
      for (const id of workers) {
        const entry = this.live.get(id);
        if (entry) send(entry.worker, message(requestId));
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
