import { runSubgraphsCli } from '../../subgraphs/main';

/** `junction subgraphs [names…]`: the sample subgraphs on 4001–4004 (see subgraphs/main.ts). */
export function subgraphsCommand(argv: string[]): Promise<number> {
  return runSubgraphsCli(argv);
}
