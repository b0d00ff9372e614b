import type { Quota, RateLimitDecision } from './rateLimiter';

/** Whole seconds, rounded up: a client that waits this long finds the window over. */
const seconds = (ms: number): number => Math.max(0, Math.ceil(ms / 1000));

/**
 * The IETF draft's RateLimit-Limit / RateLimit-Remaining / RateLimit-Reset (seconds until the window ends),
 * and on a refusal Retry-After (at least 1 s).
 */
export function rateLimitHeaders(decision: RateLimitDecision): Array<[string, string]> {
  const { quota } = decision;
  if (!quota) return [];
  const headers: Array<[string, string]> = [
    ['RateLimit-Limit', String(quota.limit)],
    ['RateLimit-Remaining', String(quota.remaining)],
    ['RateLimit-Reset', String(seconds(quota.resetMs))],
  ];
  if (!decision.allowed) headers.push(['Retry-After', String(Math.max(1, seconds(decision.retryAfterMs)))]);
  return headers;
}

/**
 * Of two budgets, the one closest to exhaustion: the smaller share left (requests and cost points are
 * different units, so shares are compared), then the later reset. That is the one a client should pace by.
 */
export function tighterQuota(a: Quota | undefined, b: Quota | undefined): Quota | undefined {
  if (!a || !b) return a ?? b;
  const shareA = a.remaining / a.limit;
  const shareB = b.remaining / b.limit;
  if (shareA !== shareB) return shareA < shareB ? a : b;
  return a.resetMs >= b.resetMs ? a : b;
}
