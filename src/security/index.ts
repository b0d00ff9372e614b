export { createRequestLimits, type LimitsContext, type RequestLimits, type RequestLimitsOptions } from './requestLimitsPlugin';
export { LIMITS, type LimitsConfig, type LimitStatus, type Limit, type LimitName, type LimitMode } from './limits/checkLimits';
export type { OperationMeasures } from './limits/measureOperation';
export { explainLimits, explainCost, formatLimitStatuses, type Problem, type Verdict, type LimitsExplanation } from './explain';
export { costPlugin, type CostContext, type CostPluginOptions } from './costPlugin';
export { costIndexOf, estimateCost, type CostIndex, type CostEstimate } from './cost';
export { checkVariables, type VariableBounds, type VariablesRefusal } from './limits/variableBounds';
