import { loadConfig } from '../../../src/config';
import { writeTemp } from '../../helpers/gateway';

const load = (yaml: string, env: Record<string, string> = {}) => loadConfig({ file: writeTemp('gateway.yaml', yaml), env });

describe('persistedQueries config', () => {
  it('defaults: APQ on for a day, mode off, no manifests, prewarm on', () => {
    const result = loadConfig({ env: {} });
    expect(result.ok && result.value.persistedQueries).toEqual({
      apq: { enabled: true, ttlSec: 86400 },
      mode: 'off',
      manifests: [],
      pollIntervalMs: 30000,
      scopeByClientName: false,
      bypass: { scopes: [], header: undefined },
      prewarm: true,
    });
  });

  it('refuses a mode that needs manifests without any', () => {
    const result = load('persistedQueries:\n  mode: safelist\n');
    expect(!result.ok && result.problems).toEqual(['persistedQueries.mode: safelist needs at least one entry in persistedQueries.manifests']);
  });

  it('refuses a manifest with both or neither of path and url', () => {
    const result = load('persistedQueries:\n  manifests:\n    - path: a.json\n      url: http://x/m.json\n    - clientName: web\n');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems.join('\n')).toMatch(/a manifest needs exactly one of path, url/);
  });

  it('reads the bypass secret from the environment, lower-cases the header name, and refuses a short or missing one', () => {
    const yaml = 'persistedQueries:\n  bypass:\n    header:\n      name: X-Bypass\n      valueFromEnv: BYPASS_SECRET\n';
    const ok = load(yaml, { BYPASS_SECRET: 's'.repeat(16) });
    expect(ok.ok && ok.value.persistedQueries.bypass.header).toEqual({ name: 'x-bypass', value: 's'.repeat(16) });
    const missing = load(yaml);
    expect(!missing.ok && missing.problems).toEqual(['persistedQueries.bypass.header: environment variable BYPASS_SECRET must hold at least 16 characters']);
    expect(load(yaml, { BYPASS_SECRET: 'short' }).ok).toBe(false);
    expect(load('persistedQueries:\n  bypass:\n    header:\n      name: X-Bypass\n      value: short\n').ok).toBe(false);
  });
});
