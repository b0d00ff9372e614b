export { JunctionGateway, type JunctionGatewayOptions } from './gateway';
export { SubgraphClient, type SubgraphClientOptions } from './subgraphClient';
export { requestedPlan, planExtensions, type PlanRequest } from './planExposure';
export type { SupergraphState } from './supergraphState';
export { planOperation, type OfflinePlan } from './offlinePlan';
export { compileHeaderRules, type HeaderRule, type HeaderRulesConfig, type HeaderPlanner } from './headerRules';
