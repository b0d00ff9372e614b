import { composeSubgraphs } from '../../../src/composition';
import { runCli, spawnCli } from '../../helpers/cli';
import { postGraphQL, writeTemp } from '../../helpers/gateway';
import { startTestSubgraph } from '../../helpers/subgraph';
import { waitFor } from '../../helpers/waitFor';

const fed = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';

describe('junction token', () => {
  it('prints a development token that a gateway outside production accepts', async () => {
    const subgraph = await startTestSubgraph('s', `${fed} type Query { hello: String }`, { Query: { hello: () => 'hi' } });
    const composed = composeSubgraphs([subgraph]);
    if (!composed.ok) throw new Error('composition failed');
    const cli = spawnCli(['serve', '--supergraph', writeTemp('supergraph.graphql', composed.supergraphSdl), '--port', '0', '--host', '127.0.0.1'], { LOG_LEVEL: 'warn' });
    try {
      const url = await waitFor(() => /listening on (http:\S+)/.exec(cli.output())?.[1], 'the gateway');
      const issued = await runCli(['token', '--sub', 'user-7', '--scopes', 'read:email write']);
      expect(issued.code).toBe(0);
      const token = issued.stdout.trim();
      expect(token.split('.')).toHaveLength(3);
      const ok = await postGraphQL(url, { query: '{ hello }' }, { authorization: `Bearer ${token}` });
      expect(ok.body).toEqual({ data: { hello: 'hi' } });
      const tampered = await postGraphQL(url, { query: '{ hello }' }, { authorization: `Bearer ${token.slice(0, -4)}AAAA` });
      expect(tampered.status).toBe(401);
    } finally {
      cli.child.kill('SIGTERM');
      await cli.exited;
      await subgraph.stop();
    }
  });
});
