const WINDOW_MS = 10_000;
const BUCKETS = 10;
/** Retries always allowed per window, so a quiet subgraph's rare failure can still be retried. */
const MIN_RETRIES = 3;

/**
 * Retries may add at most `percent` of a subgraph's traffic over the last 10 s (at least a few): when a
 * subgraph is failing for everyone, retries stop multiplying the load on it (a retry storm).
 */
export class RetryBudget {
  private readonly requests = new Array<number>(BUCKETS).fill(0);
  private readonly retries = new Array<number>(BUCKETS).fill(0);
  private bucketAt = 0;

  constructor(
    private readonly percent: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** A first attempt went out. */
  noteRequest(): void {
    const bucket = this.rotate();
    this.requests[bucket] = (this.requests[bucket] ?? 0) + 1;
  }

  /** Takes one retry from the budget; false when it is spent. */
  tryRetry(): boolean {
    const bucket = this.rotate();
    const allowed = Math.max(MIN_RETRIES, (total(this.requests) * this.percent) / 100);
    if (total(this.retries) + 1 > allowed) return false;
    this.retries[bucket] = (this.retries[bucket] ?? 0) + 1;
    return true;
  }

  private rotate(): number {
    const slot = Math.floor(this.now() / (WINDOW_MS / BUCKETS));
    const steps = Math.min(BUCKETS, slot - this.bucketAt);
    for (let i = 1; i <= steps; i++) {
      const index = (this.bucketAt + i) % BUCKETS;
      this.requests[index] = 0;
      this.retries[index] = 0;
    }
    if (steps > 0) this.bucketAt = slot;
    return slot % BUCKETS;
  }
}

function total(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum;
}
