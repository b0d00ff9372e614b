import { composeSubgraphs } from '../../../src/composition';
import { spawnCli, runCli } from '../../helpers/cli';
import { postGraphQL, writeTemp } from '../../helpers/gateway';
import { startRawServer } from '../../helpers/rawServer';
import { waitFor } from '../../helpers/waitFor';

const fed = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';

describe('junction serve', () => {
  it('drains on SIGTERM: the in-flight request completes, then the process exits 0', async () => {
    const held: Array<() => void> = [];
    const subgraph = await startRawServer((_req, res) => held.push(() => res.end('{"data":{"slow":"done"}}')));
    const composed = composeSubgraphs([{ name: 's', url: subgraph.url, sdl: `${fed} type Query { slow: String }` }]);
    if (!composed.ok) throw new Error('composition failed');
    const file = writeTemp('supergraph.graphql', composed.supergraphSdl);
    const cli = spawnCli(['serve', '--supergraph', file, '--port', '0', '--host', '127.0.0.1'], { LOG_LEVEL: 'warn' });
    try {
      const url = await waitFor(() => /listening on (http:\S+)/.exec(cli.output())?.[1], 'the listening line');
      const inFlight = postGraphQL(url, { query: '{ slow }' });
      await waitFor(() => (held.length > 0 ? true : undefined), 'the subgraph to receive the fetch');
      cli.child.kill('SIGTERM');
      // New connections are refused once draining has begun; the held request is still answered.
      await waitFor(async () => ((await fetch(url.replace('/graphql', '/health')).catch(() => 'refused')) === 'refused' ? true : undefined), 'the listener to close');
      held.forEach((release) => release());
      expect((await inFlight).body).toEqual({ data: { slow: 'done' } });
      const code = await cli.exited;
      expect(cli.output()).not.toContain('failed');
      expect(code).toBe(0);
    } finally {
      cli.child.kill('SIGKILL');
      await subgraph.stop();
    }
  });

  it('bounds the V8 heap growth as server.heapGrowthPercent says, unless node was given the flag', async () => {
    const composed = composeSubgraphs([{ name: 's', url: 'http://127.0.0.1:9/graphql', sdl: `${fed} type Query { hello: String }` }]);
    if (!composed.ok) throw new Error('composition failed');
    const file = writeTemp('supergraph.graphql', composed.supergraphSdl);
    const started = async (yaml: string, nodeArgs: string[] = []): Promise<string> => {
      const cli = spawnCli(['serve', '--supergraph', file, '--port', '0', '--host', '127.0.0.1', '--config', writeTemp('gateway.yaml', yaml)], { LOG_LEVEL: 'info' }, nodeArgs);
      try {
        await waitFor(() => /listening on (http:\S+)/.exec(cli.output())?.[1], 'the listening line');
        return /"heapGrowth":"([^"]+)"/.exec(cli.output())?.[1] ?? '(not logged)';
      } finally {
        cli.child.kill('SIGTERM');
        await cli.exited;
      }
    };
    expect(await started('')).toBe('100 % (server.heapGrowthPercent)');
    expect(await started('server:\n  heapGrowthPercent: 0\n')).toBe("V8's adaptive growth (server.heapGrowthPercent: 0)");
    expect(await started('server:\n  heapGrowthPercent: 50\n', ['--heap-growing-percent=300'])).toBe('--heap-growing-percent=300 (given to node; server.heapGrowthPercent not applied)');
  });

  it('refuses to start with every config problem listed', async () => {
    const config = writeTemp('gateway.yaml', 'server:\n  port: -1\n  colour: blue\n');
    const res = await runCli(['serve', '--supergraph', config, '--config', config]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('Invalid configuration:');
    expect(res.stderr).toContain('unknown key "server.colour"');
    expect(res.stderr).toMatch(/gateway\.yaml:2: .*server\.port/);
  });

  it('refuses to start when the supergraph file does not exist', async () => {
    const res = await runCli(['serve', '--supergraph', '/nonexistent/supergraph.yaml']);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('cannot read /nonexistent/supergraph.yaml');
  });

  it('rejects an unknown command with usage and exit code 2', async () => {
    const res = await runCli(['frobnicate']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('Unknown command "frobnicate"');
  });
});

