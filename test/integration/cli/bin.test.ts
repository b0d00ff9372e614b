import { execFile } from 'node:child_process';
import { CLI } from '../../helpers/cli';

describe('the junction bin', () => {
  it('runs as an executable (what `npx junction` and package bin links do), not only through `node`', async () => {
    const output = await new Promise<string>((resolve, reject) =>
      execFile(CLI, ['--help'], { env: { PATH: process.env.PATH ?? '', APOLLO_TELEMETRY_DISABLED: 'true' } }, (err, stdout) => (err ? reject(err) : resolve(stdout))),
    );
    expect(output).toContain('junction manifest check');
  });
});
