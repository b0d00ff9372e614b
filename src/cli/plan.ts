import { planExtensions } from '../gateway';
import { formatLimitStatuses } from '../security';
import { CHECK_OPTIONS, checkInputs, parse, readInput } from './args';
import { loadOperationChecker } from './checkOperation';
import { UsageError } from './usage';

export const PLAN_OPTIONS = { ...CHECK_OPTIONS, 'operation-name': { type: 'string' }, variables: { type: 'string' }, planner: { type: 'string' } } as const;

/**
 * `junction plan <operation.graphql> --supergraph <file> [--config gateway.yaml] [--planner apollo|rust]`: prints
 * the query plan offline (with the planner given, else the config's `queryPlan.planner`)
 * and where the operation stands against every request limit; exit 1 if it has no plan or would be refused.
 */
export async function planCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, PLAN_OPTIONS, true);
  const { file, supergraph, format } = checkInputs('plan', 'operation.graphql', positionals, values);
  const operation = await readInput(file);
  if (operation === undefined) return 1;
  let variables: Record<string, unknown> = {};
  try {
    variables = values.variables ? (JSON.parse(values.variables) as Record<string, unknown>) : {};
  } catch {
    throw new UsageError('--variables must be a JSON object');
  }
  const planner = values.planner;
  if (planner !== undefined && planner !== 'apollo' && planner !== 'rust') throw new UsageError('--planner must be apollo or rust');
  const checker = await loadOperationChecker(supergraph, values.config, planner);
  if (!checker) return 1;
  const { plan, limits, cost, problems } = checker.check(operation, values['operation-name'], variables);
  if (!plan.ok) {
    console.error(`${file}: no plan:\n${plan.errors.map((e) => `  - ${e}`).join('\n')}`);
    return 1;
  }
  const { max, mode } = checker.options.cost;
  const refused = problems.map((p) => p.code);
  if (format === 'json') {
    const costJson = { estimated: cost?.cost ?? null, max, mode, errors: cost?.errors.map((e) => e.message) ?? [] };
    console.log(JSON.stringify({ ...(planExtensions(plan.plan, { router: 'true' }).apolloQueryPlan as object), limits, cost: costJson }, null, 2));
  } else {
    console.log(plan.text);
    console.log(`\nLimits (value / max):\n${formatLimitStatuses(limits)}`);
    if (cost) console.log(`\nEstimated cost: ${cost.cost} (max ${max}, ${mode})${cost.errors.map((e) => `\n  - ${e.message}`).join('')}`);
    if (refused.length > 0) console.log(`\nThe gateway would refuse this operation: ${refused.join(', ')}.`);
  }
  return refused.length > 0 ? 1 : 0;
}
