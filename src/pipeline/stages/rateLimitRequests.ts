import { ERROR_CODES } from '../../errors';
import { rateLimitHeaders, type RateLimiter } from '../../traffic';
import { operationsOf, type Stage } from '../operationRequest';

/**
 * Request-count budgets once the caller is known (its sub keys the budget) and before any operation is
 * resolved or parsed: a client over budget costs one counter increment. A batch counts as its number of
 * operations. Cost budgets are spent later, once demand control has priced the operation (traffic/rateLimitPlugin.ts).
 */
export function rateLimitRequestsStage(limiter: RateLimiter, rateLimited: () => void): Stage {
  return async (request, context, response) => {
    // identifyClient ran before: one client key for every per-client policy.
    const clientKey = context.clientKey ?? 'anonymous';
    const decision = await limiter.consumeRequests(clientKey, Math.max(operationsOf(request).length, 1));
    const headers = [...rateLimitHeaders(decision)];
    if (!decision.allowed) {
      rateLimited();
      return { status: ERROR_CODES.RATE_LIMITED.status, code: 'RATE_LIMITED', message: decision.message, headers };
    }
    context.requestQuota = decision.quota;
    response.push(...headers);
    return undefined;
  };
}
