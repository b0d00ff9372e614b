import type { RateLimiterAbstract } from 'rate-limiter-flexible';

/** One family of fixed-window counters: `points` per `durationSec` for each key. */
export interface CounterOptions {
  points: number;
  durationSec: number;
  /** Keeps families apart; put after the store's `keyPrefix`. */
  keyPrefix: string;
}

/**
 * Fixed-window counters (the rate limits' budgets), where the store lives: in this process, or in Redis and
 * shared by every replica. Counting is rate-limiter-flexible's: a family is one of its limiters
 * (`consume`, `reward`), so callers keep its semantics and its RateLimiterRes.
 */
export interface Counters {
  readonly kind: 'memory' | 'redis';
  family(options: CounterOptions): RateLimiterAbstract;
  /** Closes the counters' own Redis connection, if any. */
  close(): Promise<void>;
}
