import type { FleetMessage, InvalidatedMessage, MetricsSnapshot, ScrapedMessage, SupervisorToWorker, WorkerToSupervisor } from './messages';
import { isSupervisorMessage } from './messages';

/** How long a request to the supervisor waits for its answer (it waits at most 2 s for the other workers). */
const ASK_TIMEOUT_MS = 5_000;

/** The supervisor's answers to a worker's requests (`WorkerLink.ask`). */
type Answer = ScrapedMessage | InvalidatedMessage;

/** The whole gateway as /health and /ready report it. */
export interface WorkersStatus {
  /** Every worker is up and serves the same supergraph as this one. */
  ready: boolean;
  summary: { expected: number; live: number; supergraphs: Record<string, number> };
}

/**
 * A worker's side of "N workers, one gateway" (see SupervisorHub): reports the supergraph it activates, answers
 * the supervisor's requests for its metrics, and asks the supervisor for the sum when scraped.
 */
export class WorkerLink {
  private fleet: FleetMessage | undefined;
  private snapshot: (() => Promise<MetricsSnapshot>) | undefined;
  private nextRequest = 0;
  private readonly asked = new Map<number, (answer: Answer) => void>();
  private mark: ((tags: readonly string[], at: number) => Promise<boolean>) | undefined;

  constructor(private readonly send: (message: WorkerToSupervisor) => void = (message) => void process.send?.(message)) {
    process.on('message', (message: unknown) => {
      if (isSupervisorMessage(message)) this.onMessage(message);
    });
  }

  /** Where this worker's metrics come from when the supervisor sums them. */
  shareMetrics(snapshot: () => Promise<MetricsSnapshot>): void {
    this.snapshot = snapshot;
  }

  /** The metrics of every worker, summed by the supervisor (Prometheus text). */
  clusterMetrics(): Promise<string> {
    return this.ask(
      (requestId) => ({ type: 'junction:scrape', requestId }),
      () => {
        throw new Error('the supervisor did not answer with the workers’ metrics in time');
      },
      (answer) => {
        if (answer.type === 'junction:scraped' && answer.text !== undefined) return answer.text;
        throw new Error((answer.type === 'junction:scraped' && answer.error) || 'no metrics');
      },
    );
  }

  /**
   * With the in-memory store each worker has its own invalidation markers: `mark` writes an invalidation
   * another worker received into this worker's.
   */
  shareInvalidations(mark: (tags: readonly string[], at: number) => Promise<boolean>): void {
    this.mark = mark;
  }

  /** Has every other worker write these markers; true once all have (false: one refused or did not answer in time). */
  invalidateSiblings(tags: readonly string[], at: number): Promise<boolean> {
    return this.ask(
      (requestId) => ({ type: 'junction:invalidate', requestId, tags: [...tags], at }),
      () => false,
      (answer) => answer.type === 'junction:invalidated' && answer.ok,
    );
  }

  /** This worker now serves supergraph `id`. */
  activated(id: string): void {
    this.send({ type: 'junction:supergraph', id });
  }

  /** The gateway as a whole, given the supergraph this worker serves. */
  status(ownSupergraph: string | undefined): WorkersStatus {
    const supergraphs: Record<string, number> = {};
    const ids = this.fleet?.supergraphs ?? [];
    for (const id of ids) if (id !== null) supergraphs[id] = (supergraphs[id] ?? 0) + 1;
    const expected = this.fleet?.expected ?? 0;
    // Own id too: the supervisor's view may not have this worker's newest activation yet.
    const ready = ownSupergraph !== undefined && expected > 0 && ids.length === expected && ids.every((id) => id === ownSupergraph);
    return { ready, summary: { expected, live: ids.length, supergraphs } };
  }

  /** Sends the supervisor a request and settles with `read(its answer)`, or `timedOut()` after ASK_TIMEOUT_MS (either may throw). */
  private ask<T>(message: (requestId: number) => WorkerToSupervisor, timedOut: () => T, read: (answer: Answer) => T): Promise<T> {
    const requestId = this.nextRequest++;
    return new Promise<T>((resolve, reject) => {
      const settle = (outcome: () => T): void => {
        clearTimeout(timer);
        this.asked.delete(requestId);
        try {
          resolve(outcome());
        } catch (err) {
          reject(err);
        }
      };
      const timer = setTimeout(() => settle(timedOut), ASK_TIMEOUT_MS);
      this.asked.set(requestId, (answer) => settle(() => read(answer)));
      this.send(message(requestId));
    });
  }

  private onMessage(message: SupervisorToWorker): void {
    switch (message.type) {
      case 'junction:fleet':
        this.fleet = message;
        return;
      case 'junction:collect': {
        const snapshot = this.snapshot;
        if (!snapshot) return void this.send({ type: 'junction:metrics', requestId: message.requestId });
        return void snapshot().then(
          (metrics) => this.send({ type: 'junction:metrics', requestId: message.requestId, metrics }),
          () => this.send({ type: 'junction:metrics', requestId: message.requestId }),
        );
      }
      case 'junction:mark': {
        const mark = this.mark;
        const answer = (ok: boolean): void => this.send({ type: 'junction:marked', requestId: message.requestId, ok });
        if (!mark) return answer(false);
        return void mark(message.tags, message.at).then(answer, () => answer(false));
      }
      case 'junction:invalidated':
      case 'junction:scraped':
        return this.asked.get(message.requestId)?.(message);
    }
  }
}
