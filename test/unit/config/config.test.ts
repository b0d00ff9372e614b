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
    expect(text).toMatch(/gateway\.yaml:2: Expected number, received string at "server\.port"/);
    expect(text).toMatch(/gateway\.yaml:6: .* at "subgraphs\.all\.timeoutMs"/);
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
    const file = writeTemp('gateway.yaml', 'subgraphs:\n  all:\n    timeoutMs: 5000\n    retries:\n      attempts: 3\n  accounts:\n    timeoutMs: 100\n    retries:\n      attempts: 0\n    circuitBreaker:\n      openMs: 1000\n');
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
    });
    expect(byName.accounts).toEqual({ ...all, timeoutMs: 100, retries: { ...all.retries, attempts: 0 }, circuitBreaker: { ...all.circuitBreaker, openMs: 1000 } });
  });
});
