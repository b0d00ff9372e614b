import type { SubgraphSettings } from '../config';
import { RollingCounts } from './rollingCounts';

/** Settings of one subgraph's breaker (`subgraphs.<name>.circuitBreaker`). */
export type CircuitBreakerSettings = SubgraphSettings['circuitBreaker'];

export type CircuitState = 'closed' | 'open' | 'half-open';

const BUCKETS = 10;

/**
 * A circuit breaker per subgraph. Closed: fetches flow, and failures (transport errors, timeouts, HTTP 5xx)
 * are counted over a rolling window; at `errorRatePercent` with at least `minimumRequests` it opens. Open:
 * fetches fail fast (SUBGRAPH_UNAVAILABLE) for `openMs`, so a dead subgraph costs nothing and gets a rest.
 * Half-open: `halfOpenProbes` fetches are let through; all succeeding closes it, any failing re-opens it.
 */
export class CircuitBreaker {
  private state_: CircuitState = 'closed';
  private openedAt = 0;
  private probesLeft = 0;
  private probeSuccesses = 0;
  /** Series 0: successes, 1: failures. */
  private readonly counts: RollingCounts;
  /** Times the circuit opened (for metrics). */
  opened = 0;

  constructor(
    private readonly settings: CircuitBreakerSettings,
    private readonly now: () => number = Date.now,
  ) {
    this.counts = new RollingCounts(settings.windowMs, BUCKETS, now);
  }

  get state(): CircuitState {
    if (this.state_ === 'open' && this.now() - this.openedAt >= this.settings.openMs) {
      this.state_ = 'half-open';
      this.probesLeft = this.settings.halfOpenProbes;
      this.probeSuccesses = 0;
    }
    return this.state_;
  }

  /** Whether a fetch may go out now (a half-open circuit counts it as one of its probes). */
  allow(): boolean {
    if (!this.settings.enabled) return true;
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open' || this.probesLeft === 0) return false;
    this.probesLeft--;
    return true;
  }

  record(success: boolean): void {
    if (!this.settings.enabled) return;
    const state = this.state;
    if (state === 'half-open') {
      if (!success) return this.open();
      if (++this.probeSuccesses >= this.settings.halfOpenProbes) this.close();
      return;
    }
    if (state === 'open') return;
    this.counts.add(success ? 0 : 1);
    if (success) return;
    const failures = this.counts.total(1);
    const total = failures + this.counts.total(0);
    if (total >= this.settings.minimumRequests && (failures * 100) / total >= this.settings.errorRatePercent) this.open();
  }

  private open(): void {
    this.state_ = 'open';
    this.openedAt = this.now();
    this.opened++;
  }

  private close(): void {
    this.state_ = 'closed';
    this.counts.clear();
  }
}
