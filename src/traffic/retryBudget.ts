import { RollingCounts } from './rollingCounts';

const WINDOW_MS = 10_000;
const BUCKETS = 10;
/** Retries always allowed per window, so a quiet subgraph's rare failure can still be retried. */
const MIN_RETRIES = 3;

/**
 * Retries may add at most `percent` of a subgraph's traffic over the last 10 s (at least a few): when a
 * subgraph is failing for everyone, retries stop multiplying the load on it (a retry storm).
 */
export class RetryBudget {
  /** Series 0: first attempts, 1: retries. */
  private readonly counts: RollingCounts;

  constructor(
    private readonly percent: number,
    now: () => number = Date.now,
  ) {
    this.counts = new RollingCounts(WINDOW_MS, BUCKETS, now);
  }

  /** A first attempt went out. */
  noteRequest(): void {
    this.counts.add(0);
  }

  /** Takes one retry from the budget; false when it is spent. */
  tryRetry(): boolean {
    const allowed = Math.max(MIN_RETRIES, (this.counts.total(0) * this.percent) / 100);
    if (this.counts.total(1) + 1 > allowed) return false;
    this.counts.add(1);
    return true;
  }
}
