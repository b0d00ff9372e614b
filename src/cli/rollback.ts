import { parse } from './args';
import { ADMIN_OPTIONS, AUTHOR_OPTION, authorOf, connect } from './registryArgs';
import { formatChanges, shortHash } from './registryReport';
import { expectShape, rollbackResponse } from './registryResponses';
import { UsageError } from './usage';

const ROLLBACK_PATH = '/admin/supergraph/rollback';

export const ROLLBACK_OPTIONS = { ...ADMIN_OPTIONS, ...AUTHOR_OPTION } as const;

/**
 * `junction rollback <version> [--author <who>]`: serves an earlier supergraph again. The gateway records it as a
 * new version (history is never rewritten), so a rollback can itself be rolled back.
 */
export async function rollbackCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, ROLLBACK_OPTIONS, true);
  const [version] = positionals;
  if (version === undefined || positionals.length > 1) throw new UsageError('rollback needs exactly one <version> (see junction history)');
  if (!/^[1-9]\d*$/.test(version) || !Number.isSafeInteger(Number(version))) throw new UsageError(`<version> must be a positive integer, got "${version}"`);
  const client = connect('rollback', values);
  const json = await client.request('POST', ROLLBACK_PATH, { version: Number(version), author: authorOf(values) });
  const answer = expectShape(rollbackResponse, json, `POST ${ROLLBACK_PATH}`);
  console.log(`Rolled back to version ${answer.rolledBackTo}: supergraph version ${answer.version} (${shortHash(answer.supergraph)})`);
  const changes = formatChanges(answer.changes);
  if (changes.length > 0) console.log(changes.join('\n'));
  return 0;
}
