
/** Where one budget stands after a request: for the RateLimit-* headers. */
export interface Quota {
  /** Points per window (requests, or estimated cost). */
  limit: number;
  /** Points left in this window. */
  remaining: number;
  /** Until the window ends and the budget is whole again. */
  resetMs: number;
}

export type RateLimitDecision =
  /** `quota` is the budget closest to exhaustion (undefined when no budget applied). */
  | { allowed: true; quota: Quota | undefined }
  /** Nothing was spent: a refused request costs no budget. */
  | { allowed: false; quota: Quota; retryAfterMs: number; message: string };

/**
 * Per-client and global budgets of requests and of estimated cost, per fixed window (`rateLimit.windowSec`).
 * Never throws and never fails a request for its own sake: a store that is down is replaced by per-process
 * counting (see store/redisCounters.ts).
 */
export interface RateLimiter {
  /** Spends `count` requests (a batch counts its operations) from the client's and the global budgets. */
  consumeRequests(clientKey: string, count: number): Promise<RateLimitDecision>;
  /** Spends an operation's estimated cost from the client's and the global cost budgets. */
  consumeCost(clientKey: string, cost: number): Promise<RateLimitDecision>;
  /** A cost budget is configured (`perClient.cost` or `global.cost` > 0). */
  readonly limitsCost: boolean;
  /** Closes the limiter's own Redis connection, if any. */
  close(): Promise<void>;
}
