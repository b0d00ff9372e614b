import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GENERATED_PAGES, REGENERATE_COMMAND, schemaRows } from '../../../src/reference';
import { configSchema } from '../../../src/config';

const root = join(__dirname, '..', '..', '..');

describe('generated reference pages', () => {
  it.each(Object.keys(GENERATED_PAGES))('%s is what its source generates today', (path) => {
    const committed = readFileSync(join(root, path), 'utf8');
    const generated = GENERATED_PAGES[path]!();
    if (committed !== generated) {
      throw new Error(`${path} is stale: its source changed since it was generated. Run \`${REGENERATE_COMMAND}\` and commit the result.`);
    }
  });

  it('documents every key of gateway.yaml: the config schema describes each one', () => {
    const undescribed = schemaRows(configSchema).filter((row) => !row.description).map((row) => row.path);
    expect(undescribed).toEqual([]);
  });

  it('lists every key with its type and default', () => {
    const page = GENERATED_PAGES['docs/configuration.md']!();
    expect(page).toContain('| `server.port` | integer ≥ 0, ≤ 65535 | `4000` |');
    expect(page).toContain('| `subgraphs.<name>.timeoutMs` | integer ≥ 1, ≤ 600000 | `30000` |');
    expect(page).toContain('| `queryPlan.planner` | `apollo` \\| `rust` | `rust` |');
  });

  it('lists every error code with its HTTP status', () => {
    const page = GENERATED_PAGES['docs/errors.md']!();
    expect(page).toContain('| `RATE_LIMITED` | 429, Retry-After, RateLimit-* |');
    expect(page).toContain('| `METHOD_NOT_ALLOWED` | 405, Allow: POST |');
  });
});
