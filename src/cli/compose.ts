import { writeFile } from 'node:fs/promises';
import { formatIssue, isSupergraphSdlFile, loadSupergraph } from '../composition';
import { readEnvironment } from '../config';
import { parse } from './args';
import { UsageError } from './usage';

export const COMPOSE_OPTIONS = { output: { type: 'string', short: 'o' } } as const;

/** `junction compose <supergraph.yaml> [-o out]`: like `rover supergraph compose`. */
export async function composeCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, COMPOSE_OPTIONS, true);
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new UsageError('compose needs exactly one <supergraph.yaml>');
  if (isSupergraphSdlFile(file)) throw new UsageError(`${file} looks like a composed supergraph already; compose reads a supergraph.yaml`);
  const result = await loadSupergraph(file, readEnvironment());
  if (!result.ok) {
    if (result.errors.length > 0) {
      console.error(`Composition failed with ${result.errors.length} error(s):`);
      for (const issue of result.errors) console.error(`  - ${formatIssue(issue)}`);
    } else {
      for (const problem of result.problems) console.error(problem);
    }
    return 1;
  }
  for (const hint of result.hints) console.error(`hint: ${formatIssue(hint)}`);
  if (values.output) {
    await writeFile(values.output, result.supergraphSdl);
    console.error(`Supergraph written to ${values.output}`);
  } else {
    process.stdout.write(result.supergraphSdl.endsWith('\n') ? result.supergraphSdl : `${result.supergraphSdl}\n`);
  }
  return 0;
}
