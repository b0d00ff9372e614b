import { parse } from './args';
import { ADMIN_OPTIONS, SCHEMA_OPTIONS, candidateSdl, connect, routingUrl, subgraphName } from './registryArgs';
import { formatCheckReport } from './registryReport';
import { checkResponse, expectShape } from './registryResponses';
import { UsageError } from './usage';

export const CHECK_COMMAND_OPTIONS = { ...ADMIN_OPTIONS, ...SCHEMA_OPTIONS, url: { type: 'string' }, delete: { type: 'boolean' }, format: { type: 'string', default: 'text' } } as const;

/**
 * `junction check <name> (--schema <file> | --introspect <url> | --delete) [--url <routing url>] [--format text|json]`:
 * a dry run of a publish (or of a delete) on the gateway, for CI. Exit 1 when the candidate does not compose or
 * changes the schema in a breaking way, whether or not a known operation uses what breaks.
 */
export async function checkCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, CHECK_COMMAND_OPTIONS, true);
  const name = subgraphName('check', positionals);
  if (values.format !== 'text' && values.format !== 'json') throw new UsageError('--format is text or json');
  if (values.delete && (values.schema !== undefined || values.introspect !== undefined || values.url !== undefined)) {
    throw new UsageError('check --delete takes no --schema, --introspect or --url');
  }
  if (!values.delete && values.schema === undefined && values.introspect === undefined) {
    throw new UsageError('check needs one of --schema <file.graphql>, --introspect <subgraph url> or --delete');
  }
  const url = values.url === undefined ? undefined : routingUrl(values.url);
  const client = connect('check', values);
  const body = values.delete ? { delete: true } : { url, sdl: await candidateSdl('check', values) };
  const path = `/admin/subgraphs/${encodeURIComponent(name)}/check`;
  const json = await client.request('POST', path, body);
  // Read (and validated) in both formats: the exit code must not pass a check whose verdict cannot be read.
  const answer = expectShape(checkResponse, json, `POST ${path}`);
  const failed = !answer.composes || answer.changes.some((c) => c.breaking);
  if (values.format === 'json') console.log(JSON.stringify(json, null, 2));
  else console.log(formatCheckReport(values.delete ? `deleting ${name}` : name, answer, failed));
  return failed ? 1 : 0;
}
