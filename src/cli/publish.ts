import { parse } from './args';
import { ADMIN_OPTIONS, AUTHOR_OPTION, SCHEMA_OPTIONS, authorOf, candidateSdl, connect, routingUrl, subgraphName } from './registryArgs';
import { formatChanges, shortHash } from './registryReport';
import { expectShape, publishResponse } from './registryResponses';
import { UsageError } from './usage';

export const PUBLISH_OPTIONS = { ...ADMIN_OPTIONS, ...AUTHOR_OPTION, ...SCHEMA_OPTIONS, url: { type: 'string' } } as const;

/**
 * `junction publish <name> --url <routing url> (--schema <file> | --introspect <url>) [--author <who>]`:
 * registers a subgraph's new schema with the gateway, which composes it and serves the new supergraph.
 * A candidate that does not compose is refused (exit 1, with the composition errors).
 */
export async function publishCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, PUBLISH_OPTIONS, true);
  const name = subgraphName('publish', positionals);
  if (values.url === undefined) throw new UsageError('publish needs --url <routing url> (where the gateway sends this subgraph its requests)');
  const url = routingUrl(values.url);
  const client = connect('publish', values);
  const sdl = await candidateSdl('publish', values);
  const path = `/admin/subgraphs/${encodeURIComponent(name)}`;
  const answer = expectShape(publishResponse, await client.request('POST', path, { url, sdl, author: authorOf(values) }), `POST ${path}`);
  if (answer.changed) {
    console.log(`Published ${answer.subgraph.name}: supergraph version ${answer.version} (${shortHash(answer.supergraph)})`);
  } else {
    console.log(`${answer.subgraph.name} is unchanged: supergraph version ${answer.version} (${shortHash(answer.supergraph)}) already serves this schema and URL`);
  }
  const changes = formatChanges(answer.changes);
  if (changes.length > 0) console.log(changes.join('\n'));
  for (const hint of answer.hints) console.error(`hint: ${hint.code}: ${hint.message}`);
  return 0;
}
