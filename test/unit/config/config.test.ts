import { join } from 'node:path';
import { loadConfig } from '../../../src/config';
import { writeTemp } from '../../helpers/gateway';

describe('loadConfig', () => {
  it('applies defaults, with plan exposure and the landing page on outside production', () => {
    const result = loadConfig({ env: {} });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.server).toEqual({
      host: '0.0.0.0',
      port: 4000,
      maxBodyBytes: 1048576,
      shutdownGraceMs: 10000,
      requestTimeoutMs: 60000,
      headersTimeoutMs: 20000,
      keepAliveTimeoutMs: 5000,
      maxHeaderBytes: 16384,
      maxHeaders: 100,
      bodyIdleTimeoutMs: 10000,
      workers: 1,
      heapGrowthPercent: 100,
    });
    expect(result.value.limits.variables).toEqual({ maxDepth: 64, maxValues: 10000 });
    expect(result.value.queryPlan.expose).toBe(true);
    expect(result.value.graphql).toEqual({ landingPage: true, introspection: true, suggestions: false });
    expect(Object.isFrozen(result.value.server)).toBe(true);
  });

  it('turns plan exposure, introspection and the landing page off in production unless configured', () => {
    const off = loadConfig({ env: { NODE_ENV: 'production' } });
    expect(off.ok && [off.value.queryPlan.expose, off.value.graphql.landingPage, off.value.graphql.introspection]).toEqual([false, false, false]);
    const file = writeTemp('gateway.yaml', 'queryPlan:\n  expose: true\n');
    const on = loadConfig({ file, env: { NODE_ENV: 'production' } });
    expect(on.ok && on.value.queryPlan.expose).toBe(true);
  });

  it('lists every problem at once, with lines', () => {
    const file = writeTemp('gateway.yaml', 'server:\n  port: "eighty"\n  prot: 1\nsubgraphs:\n  all:\n    timeoutMs: -5\n');
    const result = loadConfig({ file, env: { PORT: 'x' } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const text = result.problems.join('\n');
    expect(text).toContain('unknown key "server.prot"');
    expect(text).toMatch(/gateway\.yaml:2: `server\.port`: expected an integer from 0 to 65535, got "eighty"/);
    expect(text).toMatch(/gateway\.yaml:6: `subgraphs\.all\.timeoutMs`: expected an integer from 1 to 600000, got -5/);
  });

  it('says what a bad value should have been, and what was written', () => {
    const file = writeTemp('gateway.yaml', 'limits:\n  maxDepth: twenty\ncost:\n  mode: strict\nserver:\n  workers: many\n');
    const result = loadConfig({ file });
    expect(result.ok ? [] : [...result.problems].sort()).toEqual([
      `${file}:2: \`limits.maxDepth\`: expected a positive integer or a mapping (max, mode), got "twenty"`,
      `${file}:4: \`cost.mode\`: expected one of enforce, measure, off, got "strict"`,
      `${file}:6: \`server.workers\`: expected an integer from 1 to 256 or "auto", got "many"`,
    ].sort());
  });

  it('lets the command line win over the environment, and the environment over the file', () => {
    const file = writeTemp('gateway.yaml', 'server:\n  port: 1111\n');
    const fromEnv = loadConfig({ file, env: { PORT: '2222' } });
    expect(fromEnv.ok && fromEnv.value.server.port).toBe(2222);
    const fromCli = loadConfig({ file, env: { PORT: '2222' }, overrides: { port: 3333 } });
    expect(fromCli.ok && fromCli.value.server.port).toBe(3333);
  });

  it('rejects a bad PORT from the environment', () => {
    expect(loadConfig({ env: { PORT: '80a' } })).toEqual({ ok: false, problems: ['PORT: "80a" is not a whole number'] });
  });

  it('accepts the gateway.yaml shipped at the top of the repository', () => {
    const result = loadConfig({ file: join(__dirname, '../../../gateway.yaml'), env: {} });
    expect(result.ok ? 'ok' : result.problems).toBe('ok');
  });

  it('merges per-subgraph settings over `all`, nested ones key by key', () => {
    const file = writeTemp('gateway.yaml', 'subgraphs:\n  all:\n    timeoutMs: 5000\n    retries:\n      attempts: 3\n  accounts:\n    timeoutMs: 100\n    retries:\n      attempts: 0\n    circuitBreaker:\n      openMs: 1000\n    subscriptions:\n      url: wss://accounts.internal/ws\n');
    const result = loadConfig({ file, env: {} });
    if (!result.ok) throw new Error(result.problems.join());
    const { all, byName } = result.value.subgraphs;
    expect(all).toEqual({
      timeoutMs: 5000,
      maxResponseBytes: 33554432,
      maxConnections: 128,
      retries: { attempts: 3, backoffMs: 50, maxBackoffMs: 1000, budgetPercent: 10, maxRetryAfterMs: 2000 },
      circuitBreaker: { enabled: true, windowMs: 10000, minimumRequests: 20, errorRatePercent: 50, openMs: 1000, halfOpenProbes: 3 },
      dedup: true,
      subscriptions: { protocol: 'ws' },
    });
    expect(byName.accounts).toEqual({
      ...all,
      timeoutMs: 100,
      retries: { ...all.retries, attempts: 0 },
      circuitBreaker: { ...all.circuitBreaker, openMs: 1000 },
      subscriptions: { protocol: 'ws', url: 'wss://accounts.internal/ws' },
    });
  });

  it('refuses a subgraph subscriptions.url that is not ws:// or wss://', () => {
    const result = loadConfig({ file: writeTemp('gateway.yaml', 'subgraphs:\n  reviews:\n    subscriptions:\n      url: http://reviews/graphql\n'), env: {} });
    expect(result.ok ? 'ok' : result.problems.join()).toContain('ws:// or wss://');
  });

  it('moves the metrics to a listener of their own on 127.0.0.1:9090 in production, unless a token or an address is set', () => {
    const metricsOf = (yaml: string, env: Record<string, string>) => {
      const result = loadConfig({ file: writeTemp('gateway.yaml', yaml || '{}'), env });
      if (!result.ok) throw new Error(result.problems.join());
      return result.value.metrics;
    };
    const production = { NODE_ENV: 'production' };
    expect(metricsOf('', production).listener).toEqual({ host: '127.0.0.1', port: 9090 });
    expect(metricsOf('', {}).listener).toBeUndefined();
    expect(metricsOf('metrics:\n  token:\n    value: metrics-token-0123456789\n', production)).toMatchObject({ token: 'metrics-token-0123456789', listener: undefined });
    expect(metricsOf('metrics:\n  port: 9464\n', {}).listener).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(metricsOf('metrics:\n  host: 0.0.0.0\n', production).listener).toEqual({ host: '0.0.0.0', port: 9090 });
    expect(metricsOf('metrics:\n  enabled: false\n', production).listener).toBeUndefined();
  });

  it('lower-cases the header names it is given, once, so no feature does it per request', () => {
    const yaml = [
      'cache:',
      '  tagHeader: Surrogate-Key',
      '  response:',
      '    varyHeaders: [Accept-Language, X-Region]',
      'headers:',
      '  all:',
      '    - propagate: { named: X-Tenant, rename: X-Org }',
      '    - propagate: { matching: "^X-Trace" }',
      '    - insert: { name: X-Source, value: Gateway }',
      '    - remove: { named: X-Debug }',
      '  subgraphs:',
      '    billing:',
      '      - propagate: { named: X-Account, default: None }',
      '',
    ].join('\n');
    const result = loadConfig({ file: writeTemp('gateway.yaml', yaml), env: {} });
    if (!result.ok) throw new Error(result.problems.join());
    const { cache, headers } = result.value;
    expect(cache.tagHeader).toBe('surrogate-key');
    expect(cache.response.varyHeaders).toEqual(['accept-language', 'x-region']);
    // Names only: values, defaults and patterns (matched case-insensitively) are kept as written.
    expect(headers).toEqual({
      all: [{ propagate: { named: 'x-tenant', rename: 'x-org' } }, { propagate: { matching: '^X-Trace' } }, { insert: { name: 'x-source', value: 'Gateway' } }, { remove: { named: 'x-debug' } }],
      subgraphs: { billing: [{ propagate: { named: 'x-account', default: 'None' } }] },
    });
    expect(Object.isFrozen(headers.all[0])).toBe(true);
  });

  it('redacts subgraph errors in production by default; a subgraph entry overrides single keys of `all`', () => {
    const errorsOf = (yaml: string, env: Record<string, string>) => {
      const result = loadConfig({ file: writeTemp('gateway.yaml', yaml || '{}'), env });
      if (!result.ok) throw new Error(result.problems.join());
      return result.value.subgraphErrors;
    };
    const codes = ['BAD_USER_INPUT', 'UNAUTHENTICATED', 'FORBIDDEN'];
    expect(errorsOf('', { NODE_ENV: 'production' })).toEqual({ all: { redact: true, allowExtensions: [], passCodes: codes }, byName: {} });
    expect(errorsOf('', {}).all.redact).toBe(false);
    const custom = errorsOf('subgraphErrors:\n  all:\n    allowExtensions: [field]\n  subgraphs:\n    billing:\n      redact: false\n', { NODE_ENV: 'production' });
    expect(custom.byName.billing).toEqual({ redact: false, allowExtensions: ['field'], passCodes: codes });
  });
});
