import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { MetricsTotals } from '../../../src/cluster';
import { parsePrometheus, sampleValue } from '../../helpers/prometheus';

/** One worker's registry: a counter, a histogram and a gauge. */
function workerMetrics() {
  const registry = new Registry();
  const registers = [registry];
  const requests = new Counter({ name: 'requests_total', help: 'h', labelNames: ['op'], registers });
  const seconds = new Histogram({ name: 'seconds', help: 'h', buckets: [1], registers });
  const open = new Gauge({ name: 'open', help: 'h', registers });
  const info = new Gauge({ name: 'info', help: 'h', labelNames: ['id'], registers, aggregator: 'max' });
  return { registry, requests, seconds, open, info };
}

const valueOf = async (totals: MetricsTotals, name: string, labels: Record<string, string> = {}) => sampleValue(parsePrometheus(await totals.render()), name, labels);

describe('MetricsTotals (the supervisor’s sum of --workers metrics)', () => {
  it('sums counters, histograms and gauges over live workers, each gauge by its aggregator', async () => {
    const [a, b] = [workerMetrics(), workerMetrics()];
    a.requests.inc({ op: 'x' }, 3);
    b.requests.inc({ op: 'x' }, 4);
    b.requests.inc({ op: 'y' }, 1);
    a.seconds.observe(0.5);
    b.seconds.observe(2);
    a.open.set(2);
    b.open.set(5);
    a.info.set({ id: 'v1' }, 1);
    b.info.set({ id: 'v1' }, 1);
    const totals = new MetricsTotals();
    totals.update(1, await a.registry.getMetricsAsJSON());
    totals.update(2, await b.registry.getMetricsAsJSON());
    expect(await valueOf(totals, 'requests_total', { op: 'x' })).toBe(7);
    expect(await valueOf(totals, 'requests_total', { op: 'y' })).toBe(1);
    expect(await valueOf(totals, 'seconds_count')).toBe(2);
    expect(await valueOf(totals, 'seconds_bucket', { le: '1' })).toBe(1);
    expect(await valueOf(totals, 'open')).toBe(7);
    expect(await valueOf(totals, 'info', { id: 'v1' })).toBe(1);
  });

  it('keeps the counters and histograms of a worker that exited (never its gauges), so sums never go back', async () => {
    const [a, b, c] = [workerMetrics(), workerMetrics(), workerMetrics()];
    const totals = new MetricsTotals();
    a.requests.inc({ op: 'x' }, 10);
    a.seconds.observe(0.5);
    a.open.set(3);
    b.requests.inc({ op: 'x' }, 5);
    totals.update(1, await a.registry.getMetricsAsJSON());
    totals.update(2, await b.registry.getMetricsAsJSON());
    expect(await valueOf(totals, 'requests_total')).toBe(15);

    await totals.retire(1);
    expect(await valueOf(totals, 'requests_total')).toBe(15);
    expect(await valueOf(totals, 'seconds_count')).toBe(1);
    expect(await valueOf(totals, 'open')).toBe(0);

    // Its replacement starts from 0; a second exit adds to what was kept.
    c.requests.inc({ op: 'x' }, 2);
    totals.update(3, await c.registry.getMetricsAsJSON());
    expect(await valueOf(totals, 'requests_total')).toBe(17);
    await totals.retire(2);
    expect(await valueOf(totals, 'requests_total')).toBe(17);
    await totals.retire(2);
    expect(await valueOf(totals, 'requests_total')).toBe(17);
  });
});
