type Command = (argv: string[]) => Promise<number>;

/**
 * `junction subgraphs list|delete …` talk to the gateway's registry; any other `junction subgraphs [names…]`
 * runs the sample subgraphs on 4001–4004 (see subgraphs/main.ts). Each loads only its own modules.
 */
export function subgraphsCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const registry = (): typeof import('./registrySubgraphs') => require('./registrySubgraphs') as typeof import('./registrySubgraphs');
  if (sub === 'list') return registry().listSubgraphs(rest);
  if (sub === 'delete') return registry().deleteSubgraph(rest);
  const run: Command = (require('../../subgraphs/main') as typeof import('../../subgraphs/main')).runSubgraphsCli;
  return run(argv);
}
