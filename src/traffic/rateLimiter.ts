import type { JunctionConfig } from '../config';
import type { Logger } from '../observability';
import type { ClientFacts } from './rateLimitClientKey';

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
 * counting (see rateLimitBudgets.ts).
 */
export interface RateLimiter {
  /** Who the request counts against (`rateLimit.clientKey`, `rateLimit.trustedProxies`). */
  clientKeyOf(facts: ClientFacts): string;
  /** Spends `count` requests (a batch counts its operations) from the client's and the global budgets. */
  consumeRequests(clientKey: string, count: number): Promise<RateLimitDecision>;
  /** Spends an operation's estimated cost from the client's and the global cost budgets. */
  consumeCost(clientKey: string, cost: number): Promise<RateLimitDecision>;
  /** A cost budget is configured (`perClient.cost` or `global.cost` > 0). */
  readonly limitsCost: boolean;
  /** Closes the limiter's own Redis connection, if any. */
  close(): Promise<void>;
}

/**
 * The configured rate limiter, or undefined when rate limiting is off or sets no limit. Counters live where
 * the store does: in this process (memory) or in Redis, shared by every replica. The library (and ioredis)
 * is loaded only when rate limiting is on.
 */
export function createRateLimiter(config: JunctionConfig['rateLimit'], store: JunctionConfig['store'], logger: Logger): RateLimiter | undefined {
  const limits = [config.perClient.requests, config.perClient.cost, config.global.requests, config.global.cost];
  if (!config.enabled) return undefined;
  if (limits.every((limit) => limit === 0)) {
    logger.warn('rateLimit.enabled is set but every limit is 0: nothing is rate limited');
    return undefined;
  }
  const { RateLimitBudgets } = require('./rateLimitBudgets') as typeof import('./rateLimitBudgets');
  return new RateLimitBudgets(config, store, logger);
}
