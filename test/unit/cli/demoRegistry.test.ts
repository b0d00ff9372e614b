import { existsSync, rmSync } from 'node:fs';
import { withDemoRegistry } from '../../../src/cli/demo';
import { loadConfig, type JunctionConfig } from '../../../src/config';
import { writeTemp } from '../../helpers/gateway';

const TOKEN = 'a'.repeat(32);
function config(env: Record<string, string>, yaml?: string): JunctionConfig {
  const loaded = loadConfig({ env, ...(yaml ? { file: writeTemp('gateway.yaml', yaml) } : {}) });
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  return loaded.value;
}

describe('npm start (junction demo) and the subgraph registry', () => {
  it('turns the registry on, in a directory of its own, when JUNCTION_ADMIN_TOKEN is set', () => {
    const { config: demo, registryDir } = withDemoRegistry(config({ JUNCTION_ADMIN_TOKEN: TOKEN }));
    try {
      expect(demo.registry).toEqual(expect.objectContaining({ enabled: true, backend: 'file', dataDir: registryDir }));
      expect(registryDir !== undefined && existsSync(registryDir)).toBe(true);
    } finally {
      if (registryDir) rmSync(registryDir, { recursive: true, force: true });
    }
  });

  it('leaves the registry off without an admin token', () => {
    const { config: demo, registryDir } = withDemoRegistry(config({}));
    expect([demo.registry.enabled, registryDir]).toEqual([false, undefined]);
  });

  it('takes a gateway.yaml that turns the registry on as it is', () => {
    const given = config({ JUNCTION_ADMIN_TOKEN: TOKEN }, 'registry:\n  enabled: true\n  dataDir: ./somewhere\n');
    const { config: demo, registryDir } = withDemoRegistry(given);
    expect([demo, registryDir]).toEqual([given, undefined]);
  });
});
