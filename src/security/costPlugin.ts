import type { ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import { junctionError } from '../errors';
import type { Logger } from '../observability';
import { actualCost, costIndexOf, estimateCost, type CostEstimate, type CostIndex } from './cost';
import { isDryRun } from './requestLimitsPlugin';

export interface CostPluginOptions {
  cost: { mode: 'enforce' | 'measure' | 'off'; max: number; defaultListSize: number; expose: boolean };
  logger: Logger;
  /** The composed supergraph (with its @cost/@listSize) behind a client-facing API schema. */
  supergraphOf: (apiSchema: GraphQLSchema) => GraphQLSchema | undefined;
  /** Add `extensions.cost` to `Apollo-Expose-Query-Plan: dry-run` answers. */
  explainOnDryRun: boolean;
  /** Told the estimated cost of every priced operation and the actual cost of a sample of them (metrics). */
  metrics?: { operationCost(estimated: number | undefined, actual: number | undefined): void } | undefined;
}

/** Demand control's part of a request's context (the pipeline's RequestContext includes it). */
export interface CostContext {
  /** The operation's estimate (demand control), once priced. */
  costEstimate?: CostEstimate | undefined;
  /** The estimated cost demand control accepted; undefined when it refused the operation or priced nothing. */
  estimatedCost?: number | undefined;
  /** The response's actual cost, when it was priced (asked for, or sampled for the metrics). */
  actualCost?: number | undefined;
}

const EXPOSE_HEADER = 'junction-expose-cost';
/** The actual-cost metric prices one response in this many (estimated costs are all recorded). */
const ACTUAL_COST_SAMPLE = 16;
let priced = 0;

/**
 * Demand control: every operation's estimated cost from the supergraph's @cost/@listSize (slicing arguments
 * resolved from the request's variables) is checked before planning; over `cost.max` is refused with
 * COST_ESTIMATED_TOO_EXPENSIVE, so an expensive operation never reaches a subgraph. The actual cost of the
 * response is computed on request (`Junction-Expose-Cost: true`) so teams can tune their weights.
 */
export function costPlugin(options: CostPluginOptions): ApolloServerPlugin<CostContext> {
  const { cost, logger } = options;
  const indexes = new WeakMap<GraphQLSchema, CostIndex>();
  // Operations without variables cost the same every time: estimated once per parsed document.
  const constant = new WeakMap<DocumentNode, Map<string, CostEstimate>>();

  const indexFor = (apiSchema: GraphQLSchema): CostIndex | undefined => {
    let index = indexes.get(apiSchema);
    if (!index) {
      const supergraph = options.supergraphOf(apiSchema);
      if (!supergraph) return undefined;
      index = costIndexOf(supergraph);
      indexes.set(apiSchema, index);
    }
    return index;
  };

  const estimate = (rc: GraphQLRequestContext<object>, index: CostIndex): CostEstimate => {
    const document = rc.document as DocumentNode;
    const operationName = rc.request.operationName ?? undefined;
    const usesVariables = (rc.operation?.variableDefinitions?.length ?? 0) > 0;
    if (usesVariables) return estimateCost(index, rc.schema, document, operationName, rc.request.variables ?? {}, cost);
    let byName = constant.get(document);
    if (!byName) constant.set(document, (byName = new Map()));
    let known = byName.get(operationName ?? '');
    if (!known) byName.set(operationName ?? '', (known = estimateCost(index, rc.schema, document, operationName, {}, cost)));
    return known;
  };

  return {
    async requestDidStart() {
      if (cost.mode === 'off') return {};
      return {
        async didResolveOperation(rc) {
          // A subscription is priced like a query: the estimate is what each of its events may cost.
          const index = indexFor(rc.schema);
          if (!index || !rc.document) return;
          const result = estimate(rc, index);
          const enforce = cost.mode === 'enforce';
          rc.contextValue.costEstimate = result;
          // What cost budgets (traffic/rateLimitPlugin.ts) spend and the access log records.
          rc.contextValue.estimatedCost = enforce && (result.errors.length > 0 || result.cost > cost.max) ? undefined : result.cost;
          if (result.errors.length > 0 && enforce) throw result.errors[0];
          if (result.cost <= cost.max) return;
          if (!enforce) {
            logger.warn({ estimated: result.cost, max: cost.max, operationName: rc.operationName }, 'estimated cost over cost.max (measure mode)');
            return;
          }
          throw junctionError('COST_ESTIMATED_TOO_EXPENSIVE', `The operation's estimated cost (${result.cost}) exceeds the maximum of ${cost.max}.`, {
            extensions: { 'cost.estimated': result.cost, 'cost.max': cost.max },
          });
        },
        async willSendResponse(rc) {
          if (rc.response.body.kind !== 'single') return;
          const asked = cost.expose && rc.request.http?.headers.get(EXPOSE_HEADER)?.trim().toLowerCase() === 'true';
          const dryRun = options.explainOnDryRun && isDryRun(rc);
          const estimated = rc.contextValue.costEstimate;
          const observe = options.metrics !== undefined && !dryRun;
          if ((!asked && !dryRun && !observe) || !estimated) return;
          const result = rc.response.body.singleResult;
          const index = indexFor(rc.schema);
          // Pricing a whole response walks all of it: for the metrics, one response in ACTUAL_COST_SAMPLE is.
          // Not a response-cache hit (it carries Age): its data is stored bytes behind a placeholder, not walked.
          const sampled = observe && !rc.response.http.headers.has('age') && ++priced % ACTUAL_COST_SAMPLE === 0;
          const actual =
            (asked || sampled) && !dryRun && index && rc.document && result.data !== undefined
              ? actualCost(index, rc.schema, rc.document, rc.request.operationName ?? undefined, result.data, rc.request.variables ?? {})
              : undefined;
          rc.contextValue.actualCost = actual;
          if (observe) options.metrics?.operationCost(estimated.cost, sampled || asked ? actual : undefined);
          if (!asked && !dryRun) return;
          result.extensions = { ...result.extensions, cost: { estimated: estimated.cost, ...(actual !== undefined ? { actual } : {}), max: cost.max, mode: cost.mode } };
        },
      };
    },
  };
}
