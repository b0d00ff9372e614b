import { satisfies, minVersion } from 'semver';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '../../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { engines?: { node?: string } | string[] }> };

// The oldest Node of each supported major: every installed package must accept it, or `npm ci` on it warns
// EBADENGINE (and, with .npmrc's engine-strict, fails).
const SUPPORTED = pkg.engines.node.split('||').map((range) => minVersion(range.trim())?.version ?? range);

describe('supported Node versions', () => {
  it('are Node 20 and 22, as README and package.json engines say', () => {
    expect(SUPPORTED.map((v) => v.split('.')[0])).toEqual(['20', '22']);
  });

  it.each(SUPPORTED)('Node %s is accepted by every package in the lockfile', (version) => {
    const refusing = Object.entries(lock.packages)
      .filter(([path, info]) => path !== '' && !Array.isArray(info.engines) && info.engines?.node && !satisfies(version, info.engines.node))
      .map(([path, info]) => `${path.replace(/^.*node_modules\//, '')} wants node ${(info.engines as { node: string }).node}`);
    expect(refusing).toEqual([]);
  });
});
