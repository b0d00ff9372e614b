import { ROUTER_SUPPORTED_SUPERGRAPH_FEATURES, Supergraph } from '@apollo/federation-internals';
import { parse } from 'graphql';
import { costIndexOf, estimateCost, type CostEstimate } from './cost';
import type { LimitStatus, LimitsConfig } from './limits/checkLimits';
import { limitStatuses } from './limits/checkLimits';
import { lexicalScan } from './limits/lexicalScan';
import { measureOperation } from './limits/measureOperation';
import { PARSER_NESTING_CEILING } from './requestLimitsPlugin';

/**
 * Every limit's status for one operation, for client teams checking an operation before they ship it
 * (`junction plan`). Undefined when the text is not one parseable operation.
 */
export function explainLimits(limits: LimitsConfig, source: string, operationName: string | undefined): LimitStatus[] | undefined {
  const scan = lexicalScan(source, Number.MAX_SAFE_INTEGER);
  if (scan.syntaxError || scan.braceDepth > PARSER_NESTING_CEILING) return undefined;
  const measures = measureOperation(parse(source, { noLocation: true }), operationName);
  return measures ? limitStatuses(limits, { ...measures, tokens: scan.tokens }) : undefined;
}

/** Lines such as `maxDepth            8 / 20   ok`, one per limit. */
export function formatLimitStatuses(statuses: readonly LimitStatus[]): string {
  return statuses
    .map((s) => `  ${s.limit.padEnd(22)} ${String(s.value).padStart(6)} / ${String(s.max).padEnd(6)} ${s.status}${s.status === 'over' && s.mode === 'measure' ? ' (measure mode: logged, not refused)' : ''}`)
    .join('\n');
}

/** The estimated cost of an operation against a supergraph SDL, as the gateway would compute it. */
export function estimateOperationCost(
  supergraphSdl: string,
  source: string,
  operationName: string | undefined,
  variables: Readonly<Record<string, unknown>>,
  options: { defaultListSize: number },
): CostEstimate {
  const supergraph = Supergraph.build(supergraphSdl, { supportedFeatures: ROUTER_SUPPORTED_SUPERGRAPH_FEATURES });
  const index = costIndexOf(supergraph.schema.toGraphQLJSSchema());
  return estimateCost(index, supergraph.apiSchema().toGraphQLJSSchema(), parse(source), operationName, variables, options);
}
