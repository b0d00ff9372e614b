import { AggregatorRegistry } from 'prom-client';
import type { MetricsSnapshot } from './messages';

/** Metric types whose values only grow: a gone worker's last values stay in the sum. */
const CUMULATIVE: ReadonlySet<string> = new Set(['counter', 'histogram', 'summary']);

/**
 * The supervisor's sum of its workers' metrics, with prom-client's cluster aggregation
 * (`AggregatorRegistry.aggregate`: counters and histograms summed; gauges by their `aggregator`, `sum` unless
 * the metric says otherwise).
 *
 * A worker that exits takes its counts with it, and a plain sum would go backwards: Prometheus would read that
 * as a counter reset and add the whole remaining total again to `rate()`/`increase()`. So the last values seen
 * from a worker that exited are kept (counters and histograms only, never gauges) and added to every later sum:
 * counters stay monotonic across worker restarts. What a worker counted after the last scrape it answered
 * is lost with it (never seen by a scraper, so no scrape goes backwards). A supervisor restart starts from zero,
 * which Prometheus handles as an ordinary counter reset.
 */
export class MetricsTotals {
  private readonly latest = new Map<number, MetricsSnapshot>();
  private retired: MetricsSnapshot = [];
  private retiring = Promise.resolve();

  /** The freshest metrics from a live worker. */
  update(worker: number, metrics: MetricsSnapshot): void {
    this.latest.set(worker, metrics);
  }

  /** The worker exited: its cumulative values join the retired totals (in one step, so no sum misses them). */
  retire(worker: number): Promise<void> {
    this.retiring = this.retiring.then(async () => {
      const last = this.latest.get(worker);
      if (!last) return;
      const cumulative = last.filter((metric) => CUMULATIVE.has(String(metric.type)));
      const retired = cumulative.length === 0 ? this.retired : await AggregatorRegistry.aggregate([this.retired, cumulative]).getMetricsAsJSON();
      this.retired = retired;
      this.latest.delete(worker);
    });
    return this.retiring;
  }

  /** The Prometheus text of the sum over live workers and retired totals. */
  render(): Promise<string> {
    return AggregatorRegistry.aggregate([...this.latest.values(), this.retired]).metrics();
  }
}
