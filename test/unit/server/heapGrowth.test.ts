import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { heapGrowthFor } from '../../../src/server/heapGrowth';
import { loadConfig } from '../../../src/config';

describe('server.heapGrowthPercent', () => {
  it('defaults to 100 and is set on V8 when node was not given the flag', () => {
    const loaded = loadConfig({ file: undefined, env: {} });
    if (!loaded.ok) throw new Error(loaded.problems.join('; '));
    expect(loaded.value.server.heapGrowthPercent).toBe(100);
    expect(heapGrowthFor(loaded.value.server.heapGrowthPercent, [])).toEqual({ kind: 'set', percent: 100 });
  });

  it('0 leaves V8 its adaptive growth', () => {
    expect(heapGrowthFor(0, [])).toEqual({ kind: 'adaptive' });
  });

  it("the flag on node's command line wins over the configuration (node refuses it in NODE_OPTIONS)", () => {
    expect(heapGrowthFor(100, ['--heap-growing-percent=300'])).toEqual({ kind: 'operator', flag: '--heap-growing-percent=300' });
    expect(heapGrowthFor(100, ['--max-old-space-size=512', '--heap-growing-percent=0'])).toEqual({ kind: 'operator', flag: '--heap-growing-percent=0' });
    expect(heapGrowthFor(100, ['--heap_growing_percent=40'])).toEqual({ kind: 'operator', flag: '--heap_growing_percent=40' });
    // A different flag that merely starts alike is not it.
    expect(heapGrowthFor(100, ['--heap-growing-percentage-typo'])).toEqual({ kind: 'set', percent: 100 });
  });

  it('refuses a value that is not a whole percentage with the key named', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'junction-heap-')), 'gateway.yaml');
    writeFileSync(file, 'server:\n  heapGrowthPercent: plenty\n');
    const loaded = loadConfig({ file, env: {} });
    expect(loaded.ok).toBe(false);
    if (!loaded.ok) expect(loaded.problems.join('\n')).toMatch(/server\.heapGrowthPercent.*expected/);
  });
});
