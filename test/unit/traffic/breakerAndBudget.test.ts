import { CircuitBreaker } from '../../../src/traffic/circuitBreaker';
import { RetryBudget } from '../../../src/traffic/retryBudget';

const settings = { enabled: true, windowMs: 10_000, minimumRequests: 4, errorRatePercent: 50, openMs: 1000, halfOpenProbes: 2 };

describe('CircuitBreaker', () => {
  it('opens at the error rate once enough fetches were seen, fails fast, then probes and closes', () => {
    let now = 1_000_000;
    const breaker = new CircuitBreaker(settings, () => now);
    breaker.record(false);
    breaker.record(false);
    breaker.record(false);
    expect(breaker.state).toBe('closed'); // 3 < minimumRequests
    breaker.record(true);
    breaker.record(false);
    expect(breaker.state).toBe('open'); // 4 of 5 failed
    expect(breaker.allow()).toBe(false);
    now += 1000;
    expect(breaker.state).toBe('half-open');
    expect([breaker.allow(), breaker.allow(), breaker.allow()]).toEqual([true, true, false]);
    breaker.record(true);
    expect(breaker.state).toBe('half-open');
    breaker.record(true);
    expect(breaker.state).toBe('closed');
    expect(breaker.opened).toBe(1);
  });

  it('re-opens when a probe fails, and forgets failures older than the window', () => {
    let now = 5_000_000;
    const breaker = new CircuitBreaker(settings, () => now);
    for (let i = 0; i < 4; i++) breaker.record(false);
    now += 1000;
    expect(breaker.allow()).toBe(true);
    breaker.record(false);
    expect(breaker.state).toBe('open');
    now += 1000;
    breaker.allow();
    breaker.record(true);
    breaker.allow();
    breaker.record(true);
    expect(breaker.state).toBe('closed');
    breaker.record(false);
    breaker.record(false);
    now += 11_000; // the window has moved past them
    breaker.record(false);
    breaker.record(true);
    expect(breaker.state).toBe('closed');
  });

  it('does nothing when disabled', () => {
    const breaker = new CircuitBreaker({ ...settings, enabled: false });
    for (let i = 0; i < 10; i++) breaker.record(false);
    expect(breaker.allow()).toBe(true);
  });
});

describe('RetryBudget', () => {
  it('allows retries up to the share of traffic (at least 3 per window), and refills as the window moves', () => {
    let now = 0;
    const budget = new RetryBudget(10, () => now);
    for (let i = 0; i < 100; i++) budget.noteRequest();
    const granted = Array.from({ length: 15 }, () => budget.tryRetry()).filter(Boolean).length;
    expect(granted).toBe(10);
    now += 10_001;
    expect(budget.tryRetry()).toBe(true); // a quiet window still allows a few
    expect(budget.tryRetry()).toBe(true);
    expect(budget.tryRetry()).toBe(true);
    expect(budget.tryRetry()).toBe(false);
  });
});
