export { createRequestLimits, isDryRun, PARSER_NESTING_CEILING, type LimitsContext, type RequestLimits, type RequestLimitsOptions } from './requestLimitsPlugin';
export { LIMITS, limitStatuses, limitMessage, type LimitsConfig, type LimitStatus, type Limit, type LimitName, type LimitMode } from './limits/checkLimits';
export { measureOperation, type OperationMeasures } from './limits/measureOperation';
export { lexicalScan } from './limits/lexicalScan';
export { explainLimits, explainCost, formatLimitStatuses, type Problem, type Verdict, type LimitsExplanation } from './explain';
export { costPlugin, type CostContext, type CostPluginOptions } from './costPlugin';
export { costIndexOf, estimateCost, actualCost, type CostIndex, type CostEstimate } from './cost';
export { checkVariables, type VariableBounds, type VariablesRefusal } from './limits/variableBounds';
