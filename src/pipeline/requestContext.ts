import type { CacheContext } from '../cache';
import type { GatewayContext } from '../gateway';
import type { RequestFacts } from '../observability';
import type { PersistedOperationsContext } from '../operations';
import type { CostContext, LimitsContext } from '../security';
import type { RateLimitContext } from '../traffic';

/**
 * One operation's context, from the moment it arrived to its answer: made by the pipeline (one per
 * operation — a batch's operations each get their own) and handed to every stage and Apollo Server plugin.
 * Each concern declares the part it reads and writes (GatewayContext, LimitsContext, …); this is their union,
 * so no stage keeps per-request state anywhere else and none needs a cast to reach it.
 */
export interface RequestContext extends GatewayContext, LimitsContext, CostContext, CacheContext, PersistedOperationsContext, RateLimitContext {
  /** The access-log record of the HTTP request (observability/accessLog.ts). */
  requestFacts?: RequestFacts | undefined;
  /** The gateway's stream holder; the response cache only reads whether a stream was set. */
  streamed?: GatewayContext['streamed'];
}
