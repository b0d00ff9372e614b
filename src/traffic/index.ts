export { createRateLimiter } from './createRateLimiter';
export type { RateLimiter, RateLimitDecision, Quota } from './rateLimiter';
export { createClientKey, clientIp, ipBucket, trustedSet, type ClientFacts, type ClientKeyRule } from './rateLimitClientKey';
export { rateLimitHeaders, tighterQuota } from './rateLimitHeaders';
export { rateLimitPlugin, type RateLimitContext, type RateLimitPluginOptions } from './rateLimitPlugin';
export { CircuitBreaker, type CircuitBreakerSettings, type CircuitState } from './circuitBreaker';
export { RetryBudget } from './retryBudget';
