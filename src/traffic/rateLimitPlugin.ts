import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { ERROR_CODES } from '../errors';
import { rateLimitHeaders, tighterQuota } from './rateLimitHeaders';
import type { Quota, RateLimiter } from './rateLimiter';

/** What the HTTP layer puts in the request context for this plugin. */
export interface RateLimitContext {
  /** The estimated cost demand control accepted (security/costPlugin.ts, which runs first); undefined: nothing to spend. */
  estimatedCost?: number | undefined;
  /** Who the request counts against; absent when rate limiting is off. */
  clientKey?: string | undefined;
  /** The request-count budget closest to exhaustion, for the RateLimit-* headers. */
  requestQuota?: Quota | undefined;
}

export interface RateLimitPluginOptions {
  limiter: RateLimiter;
}

/**
 * Cost budgets: a client (or all clients together) may spend so much estimated cost per window, so a few
 * expensive operations cannot do what a request count would only stop as a flood. Spent in
 * `didResolveOperation`, once demand control has priced the operation and before it is planned or answered
 * from the cache; over budget → 429 RATE_LIMITED (Apollo Server takes status and headers from
 * `extensions.http`) and the operation never runs.
 *
 * Apollo Server calls every plugin's `didResolveOperation` in plugin order, each up to its first `await`:
 * costPlugin prices the operation synchronously, so it must come before this plugin in the list.
 */
export function rateLimitPlugin(options: RateLimitPluginOptions): ApolloServerPlugin<RateLimitContext> {
  const { limiter } = options;
  if (!limiter.limitsCost) return {};
  return {
    async requestDidStart() {
      return {
        async didResolveOperation(rc) {
          const clientKey = rc.contextValue.clientKey;
          const cost = rc.contextValue.estimatedCost;
          if (clientKey === undefined || cost === undefined) return;
          const decision = await limiter.consumeCost(clientKey, cost);
          if (!decision.allowed) {
            const headers = new HeaderMap(rateLimitHeaders(decision).map(([name, value]) => [name.toLowerCase(), value]));
            throw new GraphQLError(decision.message, { extensions: { code: 'RATE_LIMITED', http: { status: ERROR_CODES.RATE_LIMITED.status, headers } } });
          }
          // The answer reports whichever budget, requests or cost, is closer to exhaustion.
          const quota = tighterQuota(decision.quota, rc.contextValue.requestQuota);
          for (const [name, value] of rateLimitHeaders({ allowed: true, quota })) rc.response.http.headers.set(name.toLowerCase(), value);
        },
      };
    },
  };
}
