import { operationFromDocument, ROUTER_SUPPORTED_SUPERGRAPH_FEATURES, Supergraph } from '@apollo/federation-internals';
import { prettyFormatQueryPlan, QueryPlanner, type QueryPlan } from '@apollo/query-planner';
import { GraphQLError, parse, validate } from 'graphql';
import { overrideLabelsOf } from './progressiveOverride';

export type OfflinePlan = { ok: true; plan: QueryPlan; text: string } | { ok: false; errors: string[] };

/**
 * Plans an operation against a supergraph without running anything: what `junction plan` prints for client
 * teams' CI. The operation is validated against the API schema first, as the gateway would.
 */
export function planOperation(supergraphSdl: string, operationText: string, operationName?: string, overrideLabels: Record<string, boolean> = {}): OfflinePlan {
  const supergraph = Supergraph.build(supergraphSdl, { validateSupergraph: true, supportedFeatures: ROUTER_SUPPORTED_SUPERGRAPH_FEATURES });
  const apiSchema = supergraph.apiSchema();
  let document;
  try {
    document = parse(operationText);
  } catch (err) {
    return { ok: false, errors: [err instanceof GraphQLError ? `syntax: ${err.message}` : String(err)] };
  }
  const errors = validate(apiSchema.toGraphQLJSSchema(), document);
  if (errors.length > 0) return { ok: false, errors: errors.map((e) => e.message) };
  try {
    const operation = operationFromDocument(apiSchema, document, { operationName });
    // Offline there is no request to roll percentages for: percent(N) labels count as active only at 100.
    const { conditions } = overrideLabelsOf(supergraphSdl, overrideLabels).roll(() => 0.99999);
    const plan = new QueryPlanner(supergraph).buildQueryPlan(operation, conditions ? { overrideConditions: conditions } : {});
    return { ok: true, plan, text: prettyFormatQueryPlan(plan) };
  } catch (err) {
    return { ok: false, errors: [err instanceof Error ? err.message : String(err)] };
  }
}
