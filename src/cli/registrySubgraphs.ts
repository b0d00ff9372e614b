import { parse } from './args';
import { ADMIN_OPTIONS, AUTHOR_OPTION, authorOf, connect, subgraphName } from './registryArgs';
import { formatChanges, formatTable, shortHash } from './registryReport';
import { expectShape, listResponse, publishResponse } from './registryResponses';
import { UsageError } from './usage';

const SUBGRAPHS_PATH = '/admin/subgraphs';

export const LIST_OPTIONS = ADMIN_OPTIONS;
export const DELETE_OPTIONS = { ...ADMIN_OPTIONS, ...AUTHOR_OPTION } as const;

/** `junction subgraphs list`: the subgraphs the gateway's registry composes. */
export async function listSubgraphs(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, LIST_OPTIONS, true);
  if (positionals.length > 0) throw new UsageError('subgraphs list takes no arguments');
  const answer = expectShape(listResponse, await connect('subgraphs list', values).request('GET', SUBGRAPHS_PATH), `GET ${SUBGRAPHS_PATH}`);
  console.log(`Supergraph version ${answer.version} (${shortHash(answer.supergraph)}), ${answer.subgraphs.length} subgraph(s)`);
  if (answer.subgraphs.length > 0) {
    const rows = answer.subgraphs.map((s) => [s.name, s.url, s.publishedBy, s.publishedAt]);
    console.log(formatTable(['NAME', 'URL', 'PUBLISHED BY', 'PUBLISHED AT'], rows));
  }
  return 0;
}

/** `junction subgraphs delete <name> [--author <who>]`: removes a subgraph; refused when the rest does not compose. */
export async function deleteSubgraph(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, DELETE_OPTIONS, true);
  const name = subgraphName('subgraphs delete', positionals);
  const client = connect('subgraphs delete', values);
  const author = authorOf(values);
  const path = `${SUBGRAPHS_PATH}/${encodeURIComponent(name)}`;
  const answer = expectShape(publishResponse, await client.request('DELETE', path, author === undefined ? undefined : { author }), `DELETE ${path}`);
  console.log(`Deleted ${answer.subgraph.name}: supergraph version ${answer.version} (${shortHash(answer.supergraph)})`);
  const changes = formatChanges(answer.changes);
  if (changes.length > 0) console.log(changes.join('\n'));
  for (const hint of answer.hints) console.error(`hint: ${hint.code}: ${hint.message}`);
  return 0;
}
