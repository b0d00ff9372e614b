import { readFile } from 'node:fs/promises';
import { loadSupergraph } from '../composition';
import { loadConfig, readEnvironment } from '../config';
import { estimateOperationCost, explainLimits, formatLimitStatuses } from '../security';
import { planExtensions, planOperation } from '../gateway';
import { parse } from './args';
import { UsageError } from './usage';

/**
 * `junction plan <operation.graphql> --supergraph <file> [--config gateway.yaml]`: prints the query plan offline
 * and where the operation stands against every request limit; exit 1 if it has no plan or would be refused.
 */
export async function planCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      supergraph: { type: 'string' },
      config: { type: 'string' },
      'operation-name': { type: 'string' },
      variables: { type: 'string' },
      format: { type: 'string', default: 'text' },
    },
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
  // The limits (and their maxima from --config, else the defaults) the operation is at or over.
  const config = loadConfig({ file: values.config });
  if (!config.ok) {
    console.error(`Invalid configuration:\n${config.problems.map((p) => `  - ${p}`).join('\n')}`);
    return 1;
  }
  const limits = explainLimits(config.value.limits, operation, values['operation-name']) ?? [];
  let variables: Record<string, unknown> = {};
  try {
    variables = values.variables ? (JSON.parse(values.variables) as Record<string, unknown>) : {};
  } catch {
    throw new UsageError('--variables must be a JSON object');
  }
  const cost = estimateOperationCost(supergraph.supergraphSdl, operation, values['operation-name'], variables, config.value.cost);
  const costRefused = config.value.cost.mode === 'enforce' && (cost.cost > config.value.cost.max || cost.errors.length > 0);
  const refused = [
    ...limits.filter((s) => s.status === 'over' && s.mode === 'enforce').map((s) => s.code),
    ...(costRefused ? [cost.errors[0]?.extensions.code ?? 'COST_ESTIMATED_TOO_EXPENSIVE'] : []),
  ];
  if (values.format === 'json') {
    const costJson = { estimated: cost.cost, max: config.value.cost.max, mode: config.value.cost.mode, errors: cost.errors.map((e) => e.message) };
    console.log(JSON.stringify({ ...(planExtensions(planned.plan, { router: 'true' }).apolloQueryPlan as object), limits, cost: costJson }, null, 2));
  } else {
    console.log(planned.text);
    console.log(`\nLimits (value / max):\n${formatLimitStatuses(limits)}`);
    console.log(`\nEstimated cost: ${cost.cost} (max ${config.value.cost.max}, ${config.value.cost.mode})${cost.errors.map((e) => `\n  - ${e.message}`).join('')}`);
    if (refused.length > 0) console.log(`\nThe gateway would refuse this operation: ${refused.join(', ')}.`);
  }
  return refused.length > 0 ? 1 : 0;
}
