import { loadSupergraph } from '../composition';
import { loadConfig, readEnvironment } from '../config';
import { offlineSupergraph, planOperation, resolveOperation, type OfflineFailure, type OfflinePlan } from '../gateway';
import { costIndexOf, estimateCost, explainCost, explainLimits, type CostEstimate, type LimitStatus, type LimitsConfig, type Problem } from '../security';

/** The gateway settings an operation is checked against (from gateway.yaml, else the defaults). */
export interface CheckOptions {
  limits: LimitsConfig;
  cost: { mode: 'enforce' | 'measure' | 'off'; max: number; defaultListSize: number };
  /** The planner and the active override labels (gateway.yaml `queryPlan`); apollo and none when absent. */
  queryPlan?: { planner: 'apollo' | 'rust'; overrideLabels: Readonly<Record<string, boolean>> };
}

export interface OperationCheck {
  /** Why the gateway would refuse the operation, in the order it checks; empty when it would run it. */
  problems: Problem[];
  /** Over a limit or the cost maximum in measure mode: the gateway logs it and runs the operation. */
  warnings: Problem[];
  /** Every limit's status; empty when the text is not one parseable operation. */
  limits: LimitStatus[];
  /** The estimated cost; undefined when the operation does not resolve. */
  cost: CostEstimate | undefined;
  /** The query plan, or why there is none. */
  plan: OfflinePlan;
}

export interface OperationChecker {
  readonly options: CheckOptions;
  /** Checks one operation as the gateway would check a request carrying it with these variables. */
  check(source: string, operationName: string | undefined, variables?: Readonly<Record<string, unknown>>): OperationCheck;
}

/**
 * What `junction plan` and `junction manifest check` run for each operation: the request limits, parsing,
 * validation against the API schema, the operation type, demand control and planning. The supergraph, its
 * planner and its cost index are built once, so checking a manifest of many operations stays cheap.
 */
export function operationChecker(supergraphSdl: string, options: CheckOptions): OperationChecker {
  // The planner the gateway would use (`queryPlan.planner`), its override labels as configured.
  const supergraph = offlineSupergraph(supergraphSdl, options.queryPlan?.overrideLabels ?? {}, options.queryPlan?.planner ?? 'apollo');
  const costIndex = costIndexOf(supergraph.supergraphSchema);
  return {
    options,
    check(source, operationName, variables = {}) {
      const limits = explainLimits(options.limits, source, operationName);
      const { refused, logged, statuses } = limits;
      // Where the gateway stops before pricing and planning.
      const stop = (failure: OfflineFailure, problems = [...refused, ...asProblems(failure)]): OperationCheck => {
        return { problems, warnings: logged, limits: statuses, cost: undefined, plan: failure };
      };
      if (limits.tooDeepToParse) return stop({ ok: false, code: 'MAX_DEPTH_LIMIT', errors: refused.map((p) => p.message) }, refused);
      const resolved = resolveOperation(supergraph, source, operationName);
      if (!resolved.ok) return stop(resolved);
      const cost = estimateCost(costIndex, supergraph.schema, resolved.document, operationName, variables, options.cost);
      const verdict = explainCost(cost, options.cost);
      const plan = planOperation(supergraph, resolved.document, operationName);
      return {
        problems: [...refused, ...verdict.refused, ...(plan.ok ? [] : asProblems(plan))],
        warnings: [...logged, ...verdict.logged],
        limits: statuses,
        cost,
        plan,
      };
    },
  };
}

function asProblems(failure: OfflineFailure): Problem[] {
  return failure.errors.map((message) => ({ code: failure.code, message }));
}

/**
 * The checker for a supergraph file (SDL, or a supergraph.yaml composed now) and an optional gateway.yaml;
 * undefined, with every problem printed, when either cannot be loaded.
 */
export async function loadOperationChecker(supergraphFile: string, configFile: string | undefined, planner?: 'apollo' | 'rust'): Promise<OperationChecker | undefined> {
  const supergraph = await loadSupergraph(supergraphFile, readEnvironment());
  if (!supergraph.ok) {
    for (const problem of supergraph.problems) console.error(problem);
    return undefined;
  }
  const config = loadConfig({ file: configFile });
  if (!config.ok) {
    console.error(`Invalid configuration:\n${config.problems.map((p) => `  - ${p}`).join('\n')}`);
    return undefined;
  }
  return operationChecker(supergraph.supergraphSdl, planner ? { ...config.value, queryPlan: { ...config.value.queryPlan, planner } } : config.value);
}
