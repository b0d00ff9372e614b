import { parse } from './args';
import { ADMIN_OPTIONS, AUTHOR_OPTION, SCHEMA_OPTIONS, authorOf, candidateSdl, connect, routingUrl, subgraphName } from './registryArgs';
import { formatChanges, shortHash } from './registryReport';
import { canaryPublishResponse, expectShape, publishResponse } from './registryResponses';
import { UsageError } from './usage';

/** `--canary <percent>`: above 0 and at most 100 (100 is a plain publish). */
function canaryPercent(value: string): number {
  const percent = Number(value);
  if (value.trim() === '' || !Number.isFinite(percent) || percent <= 0 || percent > 100) throw new UsageError(`--canary must be a percentage above 0 and at most 100, got "${value}"`);
  return percent;
}

export const PUBLISH_OPTIONS = { ...ADMIN_OPTIONS, ...AUTHOR_OPTION, ...SCHEMA_OPTIONS, url: { type: 'string' }, canary: { type: 'string' } } as const;

/**
 * `junction publish <name> --url <routing url> (--schema <file> | --introspect <url>) [--author <who>]`:
 * registers a subgraph's new schema with the gateway, which composes it and serves the new supergraph.
 * A candidate that does not compose is refused (exit 1, with the composition errors). With `--canary <percent>`
 * it is served to that share of clients first, judged against the stable version and promoted or rolled back
 * by the gateway (docs/canary.md).
 */
export async function publishCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, PUBLISH_OPTIONS, true);
  const name = subgraphName('publish', positionals);
  if (values.url === undefined) throw new UsageError('publish needs --url <routing url> (where the gateway sends this subgraph its requests)');
  const url = routingUrl(values.url);
  const canary = values.canary === undefined ? undefined : canaryPercent(values.canary);
  const client = connect('publish', values);
  const sdl = await candidateSdl('publish', values);
  const path = `/admin/subgraphs/${encodeURIComponent(name)}`;
  const json = await client.request('POST', path, { url, sdl, author: authorOf(values), ...(canary === undefined || canary === 100 ? {} : { canary }) });
  const answer = expectShape(publishResponse, json, `POST ${path}`);
  const release = expectShape(canaryPublishResponse, json, `POST ${path}`).canary;
  if (release) {
    const ramp = [...release.stages, 100].map((p) => `${p} %`).join(' → ');
    console.log(`Canary release of ${answer.subgraph.name} started: version ${release.candidate} (${shortHash(release.candidateSupergraph)}) serves ${release.percent} % of clients, version ${answer.version} the rest.`);
    console.log(`Ramp: ${ramp}, each stage judged against the stable version; see junction canary status.`);
  } else if (answer.changed) {
    console.log(`Published ${answer.subgraph.name}: supergraph version ${answer.version} (${shortHash(answer.supergraph)})`);
  } else {
    console.log(`${answer.subgraph.name} is unchanged: supergraph version ${answer.version} (${shortHash(answer.supergraph)}) already serves this schema and URL`);
  }
  const changes = formatChanges(answer.changes);
  if (changes.length > 0) console.log(changes.join('\n'));
  for (const hint of answer.hints) console.error(`hint: ${hint.code}: ${hint.message}`);
  return 0;
}
