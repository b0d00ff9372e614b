import { readFile } from 'node:fs/promises';
import { loadSupergraph } from '../composition';
import { readEnvironment } from '../config';
import { planExtensions, planOperation } from '../gateway';
import { parse } from './args';
import { UsageError } from './usage';

/** `junction plan <operation.graphql> --supergraph <file>`: prints the query plan offline (exit 1 if none). */
export async function planCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    { supergraph: { type: 'string' }, 'operation-name': { type: 'string' }, format: { type: 'string', default: 'text' } },
    true,
  );
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new UsageError('plan needs exactly one <operation.graphql>');
  if (!values.supergraph) throw new UsageError('plan needs --supergraph <supergraph.yaml | supergraph.graphql>');
  if (values.format !== 'text' && values.format !== 'json') throw new UsageError('--format is text or json');
  let operation: string;
  try {
    operation = await readFile(file, 'utf8');
  } catch {
    console.error(`cannot read ${file}`);
    return 1;
  }
  const supergraph = await loadSupergraph(values.supergraph, readEnvironment());
  if (!supergraph.ok) {
    for (const problem of supergraph.problems) console.error(problem);
    return 1;
  }
  const planned = planOperation(supergraph.supergraphSdl, operation, values['operation-name']);
  if (!planned.ok) {
    console.error(`${file}: no plan:\n${planned.errors.map((e) => `  - ${e}`).join('\n')}`);
    return 1;
  }
  if (values.format === 'json') console.log(JSON.stringify(planExtensions(planned.plan, { router: 'true' }).apolloQueryPlan, null, 2));
  else console.log(planned.text);
  return 0;
}
