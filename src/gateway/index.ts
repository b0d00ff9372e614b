export { JunctionGateway, type JunctionGatewayOptions } from './gateway';
export type { GatewayContext } from './gatewayContext';
export type { PrewarmResult } from './plans';
export { SubgraphClient, type SubgraphClientOptions, type SubgraphObserver, type FetchOutcome } from './subgraphClient';
export { requestedPlan, planExtensions, type PlanRequest } from './planExposure';
export { apiSchemaOf, type SupergraphState } from './supergraphState';
export { offlineSupergraph, resolveOperation, planOperation, type OfflineSupergraph, type OfflinePlan, type OfflineFailure, type ResolvedOperation } from './offlinePlan';
export { compileHeaderRules, type HeaderRule, type HeaderRulesConfig, type HeaderPlanner, type HeaderGuards } from './headerRules';
