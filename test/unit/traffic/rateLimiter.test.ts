import { freePort } from '../../helpers/redis';
import { createLogger } from '../../../src/observability';
import { createRateLimiter, rateLimitHeaders, tighterQuota, type RateLimiter } from '../../../src/traffic';
import { testConfig } from '../../helpers/gateway';
import { captureLogs } from '../../helpers/logCapture';
import { waitFor } from '../../helpers/waitFor';

const silent = createLogger('silent');

function limiterFor(rateLimit: string, store = ''): RateLimiter {
  const config = testConfig(`rateLimit:\n  enabled: true\n${rateLimit}${store}`);
  const limiter = createRateLimiter(config.rateLimit, config.store, silent);
  if (!limiter) throw new Error('rate limiting is off');
  return limiter;
}

async function allowedOf(limiter: RateLimiter, key: string, times: number): Promise<boolean[]> {
  const out: boolean[] = [];
  for (let i = 0; i < times; i++) out.push((await limiter.consumeRequests(key, 1)).allowed);
  return out;
}

describe('createRateLimiter', () => {
  it('is undefined when rate limiting is off, or on with every limit 0', () => {
    const off = testConfig('');
    expect(createRateLimiter(off.rateLimit, off.store, silent)).toBeUndefined();
    const logs = captureLogs();
    const zero = testConfig('rateLimit:\n  enabled: true\n  perClient:\n    requests: 0\n');
    expect(createRateLimiter(zero.rateLimit, zero.store, logs.logger)).toBeUndefined();
    expect(logs.lines.map((l) => l.msg)).toContain('rateLimit.enabled is set but every limit is 0: nothing is rate limited');
  });
});

describe('rate limiter in memory', () => {
  it('allows a client its requests per window, then refuses with the time until the window ends', async () => {
    const limiter = limiterFor('  windowSec: 60\n  perClient:\n    requests: 3\n');
    const first = await limiter.consumeRequests('sub:alice', 1);
    expect(first).toEqual({ allowed: true, quota: { limit: 3, remaining: 2, resetMs: expect.any(Number) } });
    expect(await allowedOf(limiter, 'sub:alice', 3)).toEqual([true, true, false]);
    const refused = await limiter.consumeRequests('sub:alice', 1);
    if (refused.allowed) throw new Error('expected a refusal');
    expect(refused.quota).toMatchObject({ limit: 3, remaining: 0 });
    expect(refused.retryAfterMs).toBeGreaterThan(58_000);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(refused.message).toBe('Rate limit reached: 3 requests per 60 s for this client. Retry after 60 s.');
    // Another client has its own budget.
    expect(await allowedOf(limiter, 'sub:bob', 3)).toEqual([true, true, true]);
  });

  it('counts a batch as its number of operations, and a refused batch spends nothing', async () => {
    const limiter = limiterFor('  perClient:\n    requests: 4\n');
    expect((await limiter.consumeRequests('ip:203.0.113.9', 3)).allowed).toBe(true);
    expect((await limiter.consumeRequests('ip:203.0.113.9', 2)).allowed).toBe(false);
    expect((await limiter.consumeRequests('ip:203.0.113.9', 1)).allowed).toBe(true);
    expect((await limiter.consumeRequests('ip:203.0.113.9', 1)).allowed).toBe(false);
  });

  it('shares the global budget among clients, and a client refused by its own budget does not drain it', async () => {
    const limiter = limiterFor('  perClient:\n    requests: 2\n  global:\n    requests: 5\n');
    expect(await allowedOf(limiter, 'sub:greedy', 10)).toEqual([true, true, false, false, false, false, false, false, false, false]);
    expect(await allowedOf(limiter, 'sub:b', 2)).toEqual([true, true]);
    const last = await limiter.consumeRequests('sub:c', 1);
    expect(last).toMatchObject({ allowed: true, quota: { limit: 5, remaining: 0 } });
    const refused = await limiter.consumeRequests('sub:d', 1);
    expect(refused).toMatchObject({ allowed: false, quota: { limit: 5, remaining: 0 } });
    if (!refused.allowed) expect(refused.message).toMatch(/^Rate limit reached: 5 requests per 60 s for all clients together\. Retry after \d+ s\.$/);
  });

  it('spends estimated cost: what is left still takes a cheaper operation', async () => {
    const limiter = limiterFor('  perClient:\n    requests: 0\n    cost: 100\n');
    expect(limiter.limitsCost).toBe(true);
    expect(await limiter.consumeRequests('sub:alice', 1)).toEqual({ allowed: true, quota: undefined });
    expect((await limiter.consumeCost('sub:alice', 40)).allowed).toBe(true);
    expect((await limiter.consumeCost('sub:alice', 40)).quota).toMatchObject({ limit: 100, remaining: 20 });
    const refused = await limiter.consumeCost('sub:alice', 40);
    expect(refused).toMatchObject({ allowed: false, quota: { limit: 100, remaining: 20 } });
    if (!refused.allowed) expect(refused.message).toMatch(/estimated cost 100 per 60 s for this client; this operation costs 40 and 20 is left/);
    expect((await limiter.consumeCost('sub:alice', 20)).allowed).toBe(true);
    expect((await limiter.consumeCost('sub:alice', 1)).allowed).toBe(false);
    // An operation that costs nothing spends nothing and reports no budget.
    expect(await limiter.consumeCost('sub:alice', 0)).toEqual({ allowed: true, quota: undefined });
  });

  it('rounds a fractional cost up', async () => {
    const limiter = limiterFor('  perClient:\n    cost: 3\n');
    expect((await limiter.consumeCost('k', 1.2)).quota?.remaining).toBe(1);
  });

  it('makes the budget whole again when the window ends', async () => {
    const limiter = limiterFor('  windowSec: 1\n  perClient:\n    requests: 1\n');
    expect(await allowedOf(limiter, 'sub:alice', 2)).toEqual([true, false]);
    await waitFor(async () => ((await limiter.consumeRequests('sub:alice', 1)).allowed ? true : undefined), 'the window to end', 3_000);
  });
});

describe('rate limiter with Redis unreachable', () => {
  it('counts in process memory (the insurance limiter) instead of failing, with the same limits', async () => {
    const port = await freePort();
    const logs = captureLogs();
    const config = testConfig(`rateLimit:\n  enabled: true\n  perClient:\n    requests: 2\nstore:\n  backend: redis\n  redis:\n    url: redis://127.0.0.1:${port}\n`);
    const limiter = createRateLimiter(config.rateLimit, config.store, logs.logger)!;
    try {
      expect(await allowedOf(limiter, 'sub:alice', 3)).toEqual([true, true, false]);
      expect(await allowedOf(limiter, 'sub:bob', 1)).toEqual([true]);
      await waitFor(() => (logs.lines.some((l) => l.msg === 'rate limits: Redis is failing, counting per process') ? true : undefined), 'the outage to be logged');
    } finally {
      await limiter.close();
    }
  });
});

describe('RateLimit headers', () => {
  it('reports the budget and, on a refusal, Retry-After in whole seconds (at least 1)', () => {
    expect(rateLimitHeaders({ allowed: true, quota: { limit: 10, remaining: 7, resetMs: 12_001 } })).toEqual([
      ['RateLimit-Limit', '10'],
      ['RateLimit-Remaining', '7'],
      ['RateLimit-Reset', '13'],
    ]);
    expect(rateLimitHeaders({ allowed: false, quota: { limit: 10, remaining: 0, resetMs: 200 }, retryAfterMs: 200, message: '' })).toContainEqual(['Retry-After', '1']);
    expect(rateLimitHeaders({ allowed: true, quota: undefined })).toEqual([]);
  });

  it('picks the budget with the smaller share left, then the later reset', () => {
    const requests = { limit: 600, remaining: 500, resetMs: 1_000 };
    const cost = { limit: 1000, remaining: 100, resetMs: 2_000 };
    expect(tighterQuota(requests, cost)).toBe(cost);
    expect(tighterQuota(requests, undefined)).toBe(requests);
    expect(tighterQuota({ limit: 10, remaining: 5, resetMs: 1 }, { limit: 20, remaining: 10, resetMs: 9 })).toEqual({ limit: 20, remaining: 10, resetMs: 9 });
  });
});
