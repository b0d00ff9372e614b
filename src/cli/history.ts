import { parse } from './args';
import { ADMIN_OPTIONS, connect } from './registryArgs';
import { formatTable, shortHash } from './registryReport';
import { expectShape, historyResponse } from './registryResponses';
import { UsageError } from './usage';

const HISTORY_PATH = '/admin/supergraph/history';

export const HISTORY_OPTIONS = ADMIN_OPTIONS;

/** `junction history`: the supergraph versions, newest first; `*` marks the one the gateway serves. */
export async function historyCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, HISTORY_OPTIONS, true);
  if (positionals.length > 0) throw new UsageError('history takes no arguments');
  const answer = expectShape(historyResponse, await connect('history', values).request('GET', HISTORY_PATH), `GET ${HISTORY_PATH}`);
  const rows = answer.versions.map((v) => [
    `${v.version === answer.current ? '*' : ' '}${v.version}`,
    v.createdAt,
    v.action === 'rollback' && typeof v.rolledBackTo === 'number' ? `rollback to ${v.rolledBackTo}` : v.action,
    v.subgraph,
    v.by,
    shortHash(v.supergraph),
    v.subgraphs.join(','),
  ]);
  console.log(formatTable([' VERSION', 'CREATED AT', 'ACTION', 'SUBGRAPH', 'BY', 'SUPERGRAPH', 'SUBGRAPHS'], rows));
  return 0;
}
