export { JunctionGateway, plannedSubgraphsOf, responseTagsOf, type JunctionGatewayOptions, type PrewarmResult } from './gateway';
export type { SubgraphClientOptions, SubgraphObserver, FetchOutcome } from './subgraphClient';
export { planExtensions, type PlanRequest } from './planExposure';
export { apiSchemaOf, type SupergraphState } from './supergraphState';
export { offlineSupergraph, resolveOperation, planOperation, type OfflineSupergraph, type OfflinePlan, type OfflineFailure, type ResolvedOperation } from './offlinePlan';
export { compileHeaderRules, type HeaderPlanner, type HeaderGuards } from './headerRules';
