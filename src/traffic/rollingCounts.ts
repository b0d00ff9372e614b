/**
 * Counts over a rolling window, in `buckets` slices of `windowMs / buckets`: a count older than the window is
 * forgotten as the clock moves past its slice. Two series (e.g. successes and failures) share one clock.
 */
export class RollingCounts {
  private readonly series: [number[], number[]];
  private slot = 0;

  constructor(
    private readonly windowMs: number,
    private readonly buckets: number,
    private readonly now: () => number,
  ) {
    this.series = [new Array<number>(buckets).fill(0), new Array<number>(buckets).fill(0)];
  }

  add(series: 0 | 1, count = 1): void {
    const bucket = this.rotate();
    this.series[series][bucket] = (this.series[series][bucket] ?? 0) + count;
  }

  total(series: 0 | 1): number {
    this.rotate();
    let sum = 0;
    for (const v of this.series[series]) sum += v;
    return sum;
  }

  clear(): void {
    for (const s of this.series) s.fill(0);
  }

  // The current slice's index, clearing the slices the clock has moved past.
  private rotate(): number {
    const slot = Math.floor(this.now() / (this.windowMs / this.buckets));
    const steps = Math.min(this.buckets, slot - this.slot);
    for (let i = 1; i <= steps; i++) {
      const index = (this.slot + i) % this.buckets;
      this.series[0][index] = 0;
      this.series[1][index] = 0;
    }
    if (steps > 0) this.slot = slot;
    return slot % this.buckets;
  }
}
