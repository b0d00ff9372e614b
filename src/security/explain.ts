import { parse } from 'graphql';
import type { ErrorCode } from '../errors';
import type { CostEstimate } from './cost';
import type { LimitStatus, LimitsConfig } from './limits/checkLimits';
import { limitMessage, limitStatuses } from './limits/checkLimits';
import { lexicalScan } from './limits/lexicalScan';
import { measureOperation, type OperationMeasures } from './limits/measureOperation';
import { PARSER_NESTING_CEILING } from './requestLimitsPlugin';

/** One reason the gateway refuses an operation (enforce mode) or logs it (measure mode), with its client-facing code. */
export interface Problem {
  code: ErrorCode;
  message: string;
}

/** What the request limits and demand control would do with one operation. */
export interface Verdict {
  /** The refusals, in the order the gateway checks them; the client gets the first. */
  refused: Problem[];
  /** Over a maximum in measure mode: logged, and the operation runs. */
  logged: Problem[];
}

export interface LimitsExplanation extends Verdict {
  /** Every limit's status; empty when the text is not one parseable operation. */
  statuses: LimitStatus[];
  /** Nested beyond what the parser survives: the gateway refuses it before parsing, whatever the mode. */
  tooDeepToParse: boolean;
}

/**
 * Every limit's status for one operation and what the gateway would do about it, for client teams checking
 * an operation before they ship it (`junction plan`, `junction manifest check`).
 */
export function explainLimits(limits: LimitsConfig, source: string, operationName: string | undefined): LimitsExplanation {
  const scan = lexicalScan(source, Number.MAX_SAFE_INTEGER);
  if (scan.braceDepth > PARSER_NESTING_CEILING) {
    const refused: Problem[] = [{ code: 'MAX_DEPTH_LIMIT', message: `The operation is nested deeper than ${PARSER_NESTING_CEILING} levels.` }];
    return { statuses: [], refused, logged: [], tooDeepToParse: true };
  }
  const measures = scan.syntaxError ? undefined : measuresOf(source, operationName);
  const statuses = measures ? limitStatuses(limits, { ...measures, tokens: scan.tokens }) : [];
  const over = (mode: LimitStatus['mode']): Problem[] =>
    statuses.filter((s) => s.status === 'over' && s.mode === mode).map((s) => ({ code: s.code, message: limitMessage(s) }));
  return { statuses, refused: over('enforce'), logged: over('measure'), tooDeepToParse: false };
}

// The lexical scan sees only token errors: an unbalanced document still fails to parse (reported by the caller).
function measuresOf(source: string, operationName: string | undefined): OperationMeasures | undefined {
  try {
    return measureOperation(parse(source, { noLocation: true }), operationName);
  } catch {
    return undefined;
  }
}

/** What demand control does with an estimate (see costPlugin.ts): its errors refuse first, then the maximum. */
export function explainCost(estimate: CostEstimate, cost: { mode: 'enforce' | 'measure' | 'off'; max: number }): Verdict {
  const verdict: Verdict = { refused: [], logged: [] };
  if (cost.mode === 'off') return verdict;
  const first = estimate.errors[0];
  if (first && cost.mode === 'enforce') {
    verdict.refused.push({ code: (first.extensions.code as ErrorCode | undefined) ?? 'COST_ESTIMATED_TOO_EXPENSIVE', message: first.message });
  } else if (estimate.cost > cost.max) {
    const problem: Problem = { code: 'COST_ESTIMATED_TOO_EXPENSIVE', message: `The operation's estimated cost (${estimate.cost}) exceeds the maximum of ${cost.max}.` };
    (cost.mode === 'enforce' ? verdict.refused : verdict.logged).push(problem);
  }
  return verdict;
}

/** Lines such as `maxDepth            8 / 20   ok`, one per limit. */
export function formatLimitStatuses(statuses: readonly LimitStatus[]): string {
  return statuses
    .map((s) => `  ${s.limit.padEnd(22)} ${String(s.value).padStart(6)} / ${String(s.max).padEnd(6)} ${s.status}${s.status === 'over' && s.mode === 'measure' ? ' (measure mode: logged, not refused)' : ''}`)
    .join('\n');
}
