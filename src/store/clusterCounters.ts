import { RateLimiterCluster, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { CounterOptions, Counters } from './counters';

/**
 * How long a worker waits for the supervisor's answer; past it the request goes on uncounted (a warning is
 * logged, see traffic/rateLimitBudgets.ts), as with any counting failure.
 */
const SUPERVISOR_TIMEOUT_MS = 2_000;

/**
 * In-memory counters of `--workers N`: held once, in the supervisor (rate-limiter-flexible's
 * RateLimiterClusterMaster, see cluster/supervisorHub.ts), and spent by every worker over IPC, so N workers
 * allow the limit once, not N times.
 */
export class ClusterCounters implements Counters {
  readonly kind = 'memory';

  constructor(private readonly keyPrefix: string) {}

  family(options: CounterOptions): RateLimiterAbstract {
    return new RateLimiterCluster({ points: options.points, duration: options.durationSec, keyPrefix: this.keyPrefix + options.keyPrefix, timeoutMs: SUPERVISOR_TIMEOUT_MS });
  }

  async close(): Promise<void> {}
}
