import type { FleetMessage, MetricsSnapshot, SupervisorToWorker, WorkerToSupervisor } from './messages';
import { isSupervisorMessage } from './messages';

/** How long a scrape waits for the supervisor's sum (it waits at most 2 s for the workers). */
const SCRAPE_TIMEOUT_MS = 5_000;
/** How long an invalidation waits for the other workers' markers (the supervisor waits at most 2 s for them). */
const INVALIDATE_TIMEOUT_MS = 5_000;

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
  private readonly scrapes = new Map<number, { resolve: (text: string) => void; reject: (err: Error) => void; timer: NodeJS.Timeout }>();
  private readonly invalidations = new Map<number, { resolve: (ok: boolean) => void; timer: NodeJS.Timeout }>();
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
    const requestId = this.nextRequest++;
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.scrapes.delete(requestId);
        reject(new Error('the supervisor did not answer with the workers’ metrics in time'));
      }, SCRAPE_TIMEOUT_MS);
      this.scrapes.set(requestId, { resolve, reject, timer });
      this.send({ type: 'junction:scrape', requestId });
    });
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
    const requestId = this.nextRequest++;
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        this.invalidations.delete(requestId);
        resolve(false);
      }, INVALIDATE_TIMEOUT_MS);
      this.invalidations.set(requestId, { resolve, timer });
      this.send({ type: 'junction:invalidate', requestId, tags: [...tags], at });
    });
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
      case 'junction:invalidated': {
        const waiting = this.invalidations.get(message.requestId);
        if (!waiting) return;
        this.invalidations.delete(message.requestId);
        clearTimeout(waiting.timer);
        return waiting.resolve(message.ok);
      }
      case 'junction:scraped': {
        const waiting = this.scrapes.get(message.requestId);
        if (!waiting) return;
        this.scrapes.delete(message.requestId);
        clearTimeout(waiting.timer);
        if (message.text !== undefined) waiting.resolve(message.text);
        else waiting.reject(new Error(message.error ?? 'no metrics'));
      }
    }
  }
}
