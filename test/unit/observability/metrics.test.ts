import { createMetrics, LabelCap, LABEL_CAPS, noMetrics, OTHER_LABEL } from '../../../src/observability';
import { labelValues, parsePrometheus, sampleValue } from '../../helpers/prometheus';

describe('LabelCap', () => {
  it('keeps the first values, cut to 64 characters, and maps later new ones to __other__', () => {
    const cap = new LabelCap(2);
    expect(cap.of('a')).toBe('a');
    expect(cap.of('x'.repeat(100))).toBe('x'.repeat(64));
    expect(cap.of('b')).toBe(OTHER_LABEL);
    expect(cap.of('a')).toBe('a');
    expect(cap.of(`${'x'.repeat(64)}tail`)).toBe('x'.repeat(64));
    expect(cap.of(undefined)).toBe('');
    expect(cap.of('')).toBe('');
  });
});

describe('createMetrics', () => {
  it('bounds operation_name to the cap + __other__ with 10,000 distinct operation names', async () => {
    const metrics = createMetrics();
    for (let i = 0; i < 10_000; i++) {
      metrics.httpRequest({ operationName: `Operation${i}`, operationType: 'query', status: 200, clientName: `client${i}`, seconds: 0.01 });
    }
    const samples = parsePrometheus(await metrics.render());
    const names = labelValues(samples, 'junction_http_requests_total', 'operation_name');
    expect(names.size).toBe(LABEL_CAPS.operationName + 1);
    expect(names.has(OTHER_LABEL)).toBe(true);
    expect(labelValues(samples, 'junction_http_requests_total', 'client_name').size).toBeLessThanOrEqual(LABEL_CAPS.clientName + 1);
    expect(sampleValue(samples, 'junction_http_requests_total')).toBe(10_000);
    expect(sampleValue(samples, 'junction_http_requests_total', { operation_name: OTHER_LABEL })).toBe(10_000 - LABEL_CAPS.operationName);
    // The histogram has one series per label set too: bounded the same way.
    expect(labelValues(samples, 'junction_http_request_duration_seconds_count', 'operation_name').size).toBe(LABEL_CAPS.operationName + 1);
  });

  it('counts error codes once per response, and keeps only the active supergraph as info', async () => {
    const metrics = createMetrics();
    metrics.httpRequest({ operationName: 'A', operationType: 'query', status: 200, clientName: undefined, seconds: 0.2, codes: new Set(['SUBGRAPH_UNAVAILABLE']) });
    metrics.httpRequest({ operationName: '', operationType: 'unknown', status: 401, clientName: undefined, seconds: 0, codes: ['UNAUTHENTICATED'] });
    metrics.supergraphActivated('one');
    metrics.supergraphActivated('two');
    const samples = parsePrometheus(await metrics.render());
    expect(sampleValue(samples, 'junction_rejections_total', { code: 'SUBGRAPH_UNAVAILABLE' })).toBe(1);
    expect(sampleValue(samples, 'junction_rejections_total', { code: 'UNAUTHENTICATED' })).toBe(1);
    expect(samples.filter((s) => s.name === 'junction_supergraph_info').map((s) => s.labels.supergraph)).toEqual(['two']);
    expect(sampleValue(samples, 'junction_supergraph_activations_total')).toBe(2);
    // Node process metrics under Junction's prefix, in Junction's own registry.
    expect(samples.some((s) => s.name === 'junction_process_cpu_user_seconds_total')).toBe(true);
  });

  it('reads circuit states and APQ counters when scraped', async () => {
    const clients = [{ name: 'a', circuitState: 'closed' as const }, { name: 'b', circuitState: 'open' as const }];
    const stats = { apqHits: 3, apqMisses: 1 };
    const metrics = createMetrics({ circuits: () => clients, apq: () => stats });
    let samples = parsePrometheus(await metrics.render());
    expect(sampleValue(samples, 'junction_subgraph_circuit_state', { subgraph: 'b' })).toBe(2);
    expect(sampleValue(samples, 'junction_subgraph_circuit_state', { subgraph: 'a' })).toBe(0);
    expect(sampleValue(samples, 'junction_cache_requests_total', { cache: 'apq', result: 'hit' })).toBe(3);
    stats.apqHits = 5;
    samples = parsePrometheus(await metrics.render());
    expect(sampleValue(samples, 'junction_cache_requests_total', { cache: 'apq', result: 'hit' })).toBe(5);
  });

  it('has a no-op twin that renders nothing', async () => {
    noMetrics.httpRequest({ operationName: 'A', operationType: 'query', status: 200, clientName: undefined, seconds: 1 });
    expect(noMetrics.enabled).toBe(false);
    expect(await noMetrics.render()).toBe('');
  });
});
