import { composeSubgraphs } from '../../../src/composition';
import { spawnCli } from '../../helpers/cli';
import { postGraphQL, writeTemp } from '../../helpers/gateway';
import { startTestSubgraph } from '../../helpers/subgraph';
import { waitFor } from '../../helpers/waitFor';

const fed = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('junction serve --workers', () => {
  it('serves from N workers on one port, replaces a crashed worker, and drains all on SIGTERM', async () => {
    const subgraph = await startTestSubgraph('s', `${fed} type Query { hello: String }`, { Query: { hello: () => 'hi' } });
    const composed = composeSubgraphs([subgraph]);
    if (!composed.ok) throw new Error('composition failed');
    const cli = spawnCli(['serve', '--supergraph', writeTemp('supergraph.graphql', composed.supergraphSdl), '--port', '0', '--host', '127.0.0.1', '--workers', '2'], {
      LOG_LEVEL: 'warn',
    });
    const readyPids = (): number[] => [...cli.output().matchAll(/worker (\d+) ready/g)].map((m) => Number(m[1]));
    try {
      const url = await waitFor(() => /listening on (http:\S+) \(2 workers\)/.exec(cli.output())?.[1], 'the supervisor to announce');
      const [first, second] = await waitFor(() => (readyPids().length >= 2 ? readyPids() : undefined), 'two workers');
      expect(first).not.toBe(second);
      for (let i = 0; i < 10; i++) expect((await postGraphQL(url, { query: '{ hello }' })).body).toEqual({ data: { hello: 'hi' } });

      process.kill(first as number, 'SIGKILL');
      const replacement = await waitFor(() => readyPids().find((pid) => pid !== first && pid !== second), 'a replacement worker');
      expect(cli.output()).toContain(`worker ${first} exited (SIGKILL); restarting`);
      for (let i = 0; i < 10; i++) expect((await postGraphQL(url, { query: '{ hello }' })).body).toEqual({ data: { hello: 'hi' } });

      cli.child.kill('SIGTERM');
      expect(await cli.exited).toBe(0);
      expect(alive(second as number)).toBe(false);
      expect(alive(replacement)).toBe(false);
    } finally {
      cli.child.kill('SIGKILL');
      await subgraph.stop();
    }
  });

  it('rejects a bad --workers value with usage', async () => {
    const cli = spawnCli(['serve', '--supergraph', writeTemp('s.graphql', 'x'), '--workers', 'many']);
    expect(await cli.exited).toBe(2);
    expect(cli.output()).toContain('--workers must be a number from 1 to 256 or "auto", got "many"');
  });
});
