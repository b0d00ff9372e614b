import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { JunctionConfig } from '../config';
import type { Logger } from '../observability';
import type { Counters } from '../store';
import { tighterQuota } from './rateLimitHeaders';
import type { Quota, RateLimitDecision, RateLimiter } from './rateLimiter';

type Unit = 'requests' | 'cost';
type Scope = 'client' | 'global';

interface Budget {
  unit: Unit;
  scope: Scope;
  limit: number;
  limiter: RateLimiterAbstract;
}

interface Spent {
  budget: Budget;
  key: string;
  res: RateLimiterRes;
  refused: boolean;
}

/** The one key of each global budget (the budgets are told apart by their key prefixes). */
const GLOBAL_KEY = 'all';
const LOG_EVERY_MS = 10_000;
const NOTHING_APPLIED: RateLimitDecision = { allowed: true, quota: undefined };

/**
 * Rate limits stop one client (or all together) from taking more than its share of the gateway and the
 * subgraphs behind it: request floods, and few requests that each cost a lot. Fixed windows per budget,
 * counted by the store's counters (rate-limiter-flexible), in memory or in Redis.
 *
 * With Redis, any Redis error (disconnected, not ready yet, slower than `store.redis.commandTimeoutMs`) makes
 * that request count in this process's memory instead of failing it (see store/redisCounters.ts).
 */
export class RateLimitBudgets implements RateLimiter {
  readonly limitsCost: boolean;
  private readonly requests: Budget[];
  private readonly cost: Budget[];
  private lastErrorLogAt = 0;

  constructor(private readonly config: JunctionConfig['rateLimit'], private readonly counters: Counters, private readonly logger: Logger) {
    const budget = (unit: Unit, scope: Scope, limit: number): Budget[] => {
      if (limit === 0) return [];
      const limiter = counters.family({ points: limit, durationSec: config.windowSec, keyPrefix: `rl:${unit}:${scope}` });
      return [{ unit, scope, limit, limiter }];
    };
    this.requests = [...budget('requests', 'client', config.perClient.requests), ...budget('requests', 'global', config.global.requests)];
    this.cost = [...budget('cost', 'client', config.perClient.cost), ...budget('cost', 'global', config.global.cost)];
    this.limitsCost = this.cost.length > 0;
  }

  consumeRequests(clientKey: string, count: number): Promise<RateLimitDecision> {
    return this.spend(this.requests, clientKey, count);
  }

  consumeCost(clientKey: string, cost: number): Promise<RateLimitDecision> {
    // Counters hold integers; a fractional weight rounds up.
    return this.spend(this.cost, clientKey, Math.ceil(cost));
  }

  async close(): Promise<void> {
    await this.counters.close();
  }

  private async spend(budgets: readonly Budget[], clientKey: string, points: number): Promise<RateLimitDecision> {
    if (budgets.length === 0 || !(points > 0)) return NOTHING_APPLIED;
    const spent = await Promise.all(budgets.map((budget) => this.spendOne(budget, budget.scope === 'global' ? GLOBAL_KEY : clientKey, points)));
    let refusal: Spent | undefined;
    let quota: Quota | undefined;
    for (const s of spent) {
      if (!s) continue;
      if (s.refused && (!refusal || s.res.msBeforeNext > refusal.res.msBeforeNext)) refusal = s;
      quota = tighterQuota(quota, { limit: s.budget.limit, remaining: s.res.remainingPoints, resetMs: s.res.msBeforeNext });
    }
    if (!refusal) return { allowed: true, quota };
    // A refused request spends nothing: what each budget took is given back, so a client refused by its own
    // budget does not drain the global one, and a cheaper operation still fits in what is left.
    for (const s of spent) if (s) s.budget.limiter.reward(s.key, points).catch(() => undefined);
    const left = Math.max(0, refusal.budget.limit - (refusal.res.consumedPoints - points));
    const refused = { limit: refusal.budget.limit, remaining: left, resetMs: refusal.res.msBeforeNext };
    return { allowed: false, quota: refused, retryAfterMs: refusal.res.msBeforeNext, message: this.message(refusal.budget, points, left, refusal.res.msBeforeNext) };
  }

  private async spendOne(budget: Budget, key: string, points: number): Promise<Spent | undefined> {
    try {
      return { budget, key, res: await budget.limiter.consume(key, points), refused: false };
    } catch (err) {
      if (err instanceof RateLimiterRes) return { budget, key, res: err, refused: true };
      // Only without insurance (never configured so) or on a bug: counting failed, the request goes on.
      const now = Date.now();
      if (now - this.lastErrorLogAt >= LOG_EVERY_MS) {
        this.lastErrorLogAt = now;
        this.logger.warn({ err }, 'rate limits: a budget could not be counted; the request was let through');
      }
      return undefined;
    }
  }

  private message(budget: Budget, points: number, left: number, resetMs: number): string {
    const whose = budget.scope === 'client' ? 'this client' : 'all clients together';
    const window = `${this.config.windowSec} s`;
    const retry = `Retry after ${Math.max(1, Math.ceil(resetMs / 1000))} s.`;
    if (budget.unit === 'requests') return `Rate limit reached: ${budget.limit} requests per ${window} for ${whose}. ${retry}`;
    return `Rate limit reached: estimated cost ${budget.limit} per ${window} for ${whose}; this operation costs ${points} and ${left} is left. ${retry}`;
  }
}
