export { JunctionGateway, responseTagsOf, type JunctionGatewayOptions, type PrewarmResult } from './gateway';
export { SubgraphClient, type SubgraphClientOptions } from './subgraphClient';
export { requestedPlan, planExtensions, type PlanRequest } from './planExposure';
export { apiSchemaOf, type SupergraphState } from './supergraphState';
export { offlineSupergraph, resolveOperation, planOperation, type OfflineSupergraph, type OfflinePlan, type OfflineFailure, type ResolvedOperation } from './offlinePlan';
export { compileHeaderRules, type HeaderRule, type HeaderRulesConfig, type HeaderPlanner } from './headerRules';
