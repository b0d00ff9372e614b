import { clientPoint, compare, judge, p95, type StageFigures, type Thresholds } from '../../../src/canary';
import { observe } from '../../../src/canary/canaryController';
import { emptyOperation, record } from '../../../src/canary/figures';
import { stagesOf } from '../../../src/registry/canaryRelease';

const THRESHOLDS: Thresholds = { windowMs: 60_000, minRequests: 100, maxErrorRateIncrease: 0.01, maxLatencyRatio: 1.5, latencyToleranceMs: 25 };

/** `n` requests of one operation on one side, `failed` of them failed, each taking `ms`. */
function served(figures: StageFigures, operation: string, side: 'stable' | 'canary', n: number, failed: number, ms: number, changed = false): void {
  const op = (figures[operation] ??= emptyOperation());
  for (let i = 0; i < n; i++) {
    record(op[side], i < failed, ms);
    if (changed) record(side === 'stable' ? op.changedStable : op.changedCanary, i < failed, ms);
  }
}

describe('the canary judge', () => {
  it('waits until both variants have minRequests on operations both serve', () => {
    const figures: StageFigures = {};
    served(figures, 'a', 'stable', 500, 0, 10);
    served(figures, 'a', 'canary', 99, 50, 10);
    expect(judge(figures, THRESHOLDS, 120_000).decision).toBe('wait');
  });

  it('rolls back as soon as the canary fails more than the allowed increase, before the window ends', () => {
    const figures: StageFigures = {};
    served(figures, 'a', 'stable', 1000, 10, 10);
    served(figures, 'a', 'canary', 100, 3, 10);
    const verdict = judge(figures, THRESHOLDS, 1_000);
    expect(verdict.decision).toBe('rollback');
    expect(verdict.reason).toContain('error rate');
    expect(verdict.comparison.canary).toMatchObject({ requests: 100, failed: 3, errorRate: 0.03 });
  });

  it('compares only operations both variants served', () => {
    const figures: StageFigures = {};
    served(figures, 'shared', 'stable', 200, 0, 10);
    served(figures, 'shared', 'canary', 200, 0, 10);
    // Only the canary's clients sent this one: it says nothing about the difference.
    served(figures, 'canaryOnly', 'canary', 200, 200, 10);
    const comparison = compare(figures);
    expect(comparison.operations).toBe(1);
    expect(comparison.canary.failed).toBe(0);
    expect(judge(figures, THRESHOLDS, 120_000).decision).toBe('next');
  });

  it('rolls back on p95 latency beyond ratio and tolerance, not on jitter of fast operations', () => {
    const slow: StageFigures = {};
    served(slow, 'a', 'stable', 200, 0, 40);
    served(slow, 'a', 'canary', 200, 0, 400);
    expect(judge(slow, THRESHOLDS, 120_000)).toMatchObject({ decision: 'rollback', reason: expect.stringContaining('p95 latency') });
    const jitter: StageFigures = {};
    served(jitter, 'a', 'stable', 200, 0, 1);
    served(jitter, 'a', 'canary', 200, 0, 8);
    expect(judge(jitter, THRESHOLDS, 120_000).decision).toBe('next');
  });

  it('judges the requests to the changed subgraph on their own', () => {
    const figures: StageFigures = {};
    // Overall within the threshold (diluted by other operations), the changed subgraph's requests are not.
    served(figures, 'other', 'stable', 5000, 0, 10);
    served(figures, 'other', 'canary', 5000, 0, 10);
    served(figures, 'touches', 'stable', 200, 0, 10, true);
    served(figures, 'touches', 'canary', 200, 20, 10, true);
    const verdict = judge(figures, THRESHOLDS, 120_000);
    expect(verdict.comparison.canary.errorRate).toBeLessThan(0.01);
    expect(verdict).toMatchObject({ decision: 'rollback', reason: expect.stringContaining('changed subgraph') });
  });

  it('judges each operation both variants served minRequests times on its own: one broken operation is not diluted by the rest', () => {
    const figures: StageFigures = {};
    served(figures, 'common', 'stable', 10_000, 0, 10);
    served(figures, 'common', 'canary', 10_000, 0, 10);
    served(figures, 'rare', 'stable', 200, 0, 10);
    served(figures, 'rare', 'canary', 200, 20, 10);
    const verdict = judge(figures, THRESHOLDS, 120_000);
    expect(verdict.comparison.canary.errorRate).toBeLessThan(0.01);
    expect(verdict).toMatchObject({ decision: 'rollback', reason: expect.stringContaining('operation rare') });
    // Below minRequests on a side, an operation is only part of the whole.
    const few: StageFigures = {};
    served(few, 'common', 'stable', 10_000, 0, 10);
    served(few, 'common', 'canary', 10_000, 0, 10);
    served(few, 'rare', 'stable', 200, 0, 10);
    served(few, 'rare', 'canary', 20, 2, 10);
    expect(judge(few, THRESHOLDS, 120_000).decision).toBe('next');
  });

  it("judges the changed subgraph by its fetches: a slower new version shows even when a slower sibling fetch sets the request's time", () => {
    const figures: StageFigures = {};
    const op = (figures['q:Products'] = emptyOperation());
    // Every request takes 200 ms (a slow inventory fetch); reviews answers in 8 ms on stable, 60 ms on the canary.
    for (let i = 0; i < 150; i++) {
      observe(op, { variant: 'stable', operation: 'q:Products', failed: false, ms: 200, fetches: [{ subgraph: 'inventory', failed: false, ms: 195 }, { subgraph: 'reviews', failed: false, ms: 8 }] }, 'reviews');
      observe(op, { variant: 'canary', operation: 'q:Products', failed: false, ms: 200, fetches: [{ subgraph: 'inventory', failed: false, ms: 195 }, { subgraph: 'reviews', failed: false, ms: 60 }] }, 'reviews');
    }
    const verdict = judge(figures, THRESHOLDS, 120_000);
    expect(verdict.comparison.stable.p95Ms).toBe(verdict.comparison.canary.p95Ms);
    expect(verdict.comparison.changedSubgraph.canary).toMatchObject({ requests: 150, failed: 0 });
    expect(verdict).toMatchObject({ decision: 'rollback', reason: expect.stringContaining('p95 latency on fetches from the changed subgraph') });
  });

  it('counts a fetch that answered with errors as failed, and only the changed subgraph\'s fetches', () => {
    const op = emptyOperation();
    observe(op, { variant: 'canary', operation: 'q', failed: false, ms: 20, fetches: [{ subgraph: 'reviews', failed: true, ms: 5 }, { subgraph: 'reviews', failed: false, ms: 5 }, { subgraph: 'accounts', failed: true, ms: 5 }] }, 'reviews');
    expect(op.canary).toMatchObject({ requests: 1, failed: 0 });
    expect(op.changedCanary).toMatchObject({ requests: 2, failed: 1 });
    expect(op.changedStable.requests).toBe(0);
  });

  it('moves on only once the stage has lasted its window within thresholds', () => {
    const figures: StageFigures = {};
    served(figures, 'a', 'stable', 200, 1, 10);
    served(figures, 'a', 'canary', 200, 1, 10);
    expect(judge(figures, THRESHOLDS, 59_000).decision).toBe('wait');
    expect(judge(figures, THRESHOLDS, 60_000).decision).toBe('next');
  });

  it('reads p95 from the histogram', () => {
    const figures: StageFigures = {};
    served(figures, 'a', 'stable', 95, 0, 3);
    served(figures, 'a', 'stable', 5, 0, 900);
    expect(p95((figures.a as ReturnType<typeof emptyOperation>).stable)).toBeGreaterThanOrEqual(2);
    expect(p95((figures.a as ReturnType<typeof emptyOperation>).stable)).toBeLessThanOrEqual(5);
  });
});

describe('client assignment', () => {
  it('is a stable point in [0, 100) per salt and client, spread evenly', () => {
    expect(clientPoint('release-1', 'sub:alice')).toBe(clientPoint('release-1', 'sub:alice'));
    const points = Array.from({ length: 20_000 }, (_, i) => clientPoint('release-1', `ip:10.0.${i >> 8}.${i & 255}`));
    expect(Math.min(...points)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...points)).toBeLessThan(100);
    const share = points.filter((p) => p < 5).length / points.length;
    expect(share).toBeGreaterThan(0.04);
    expect(share).toBeLessThan(0.06);
    // Another release draws other clients.
    const other = Array.from({ length: 20_000 }, (_, i) => clientPoint('release-2', `ip:10.0.${i >> 8}.${i & 255}`));
    const both = points.filter((p, i) => p < 5 && (other[i] as number) < 5).length;
    expect(both).toBeLessThan(points.filter((p) => p < 5).length / 4);
  });

  it('ramps through the configured shares above the first, promotion after the last', () => {
    expect(stagesOf(5, [25, 50])).toEqual([5, 25, 50]);
    expect(stagesOf(30, [50, 25, 50])).toEqual([30, 50]);
    expect(stagesOf(10, [])).toEqual([10]);
  });
});
