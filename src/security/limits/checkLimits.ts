import type { LimitMode, LimitName, LimitsConfig } from '../../config';
import type { ErrorCode } from '../../errors';
import type { OperationMeasures } from './measureOperation';

// The settings' shape is config's (derived from its schema); re-exported as the checks' vocabulary.
export type { Limit, LimitMode, LimitName, LimitsConfig } from '../../config';

/** Each limit's code (Apollo Router's names where one exists) and what it measures. */
export const LIMITS: Record<LimitName, { code: ErrorCode; what: string; measure: keyof OperationMeasures | 'tokens' }> = {
  maxTokens: { code: 'MAX_TOKENS_LIMIT', what: 'tokens', measure: 'tokens' },
  maxDepth: { code: 'MAX_DEPTH_LIMIT', what: 'depth', measure: 'depth' },
  maxHeight: { code: 'MAX_HEIGHT_LIMIT', what: 'height (distinct fields)', measure: 'height' },
  maxAliases: { code: 'MAX_ALIASES_LIMIT', what: 'aliases', measure: 'aliases' },
  maxRootFields: { code: 'MAX_ROOT_FIELDS_LIMIT', what: 'root fields', measure: 'rootFields' },
  maxDirectives: { code: 'MAX_DIRECTIVES_LIMIT', what: 'directives', measure: 'directives' },
  maxSelections: { code: 'MAX_SELECTIONS_LIMIT', what: 'selections once fragments are expanded', measure: 'selections' },
  maxIntrospectionDepth: { code: 'MAX_INTROSPECTION_DEPTH_LIMIT', what: 'introspection depth', measure: 'introspectionDepth' },
};

export interface LimitStatus {
  limit: LimitName;
  code: ErrorCode;
  value: number;
  max: number;
  mode: LimitMode;
  status: 'ok' | 'at' | 'over';
}

/** Every limit's status for one operation (what `junction plan` and dry-run report). */
export function limitStatuses(config: LimitsConfig, measures: OperationMeasures & { tokens: number }): LimitStatus[] {
  return (Object.keys(LIMITS) as LimitName[]).map((limit) => {
    const { max, mode } = config[limit];
    const value = measures[LIMITS[limit].measure];
    return { limit, code: LIMITS[limit].code, value, max, mode, status: value > max ? 'over' : value === max ? 'at' : 'ok' };
  });
}

export function limitMessage(s: Pick<LimitStatus, 'limit' | 'value' | 'max'>): string {
  return `The operation's ${LIMITS[s.limit].what} (${s.value}) exceeds the maximum of ${s.max}.`;
}
