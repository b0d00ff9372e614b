export { JunctionGateway, type EngineGateway, type JunctionGatewayOptions, type ServedCanary } from './gateway';
export type { GatewayContext } from './gatewayContext';
export type { PrewarmResult } from './plans';
export type { SubgraphClientOptions, SubgraphObserver, FetchOutcome } from './subgraphClient';
export { planExtensions, type PlanRequest } from './planExposure';
export { apiSchemaOf, plannerOf, type SupergraphState } from './supergraphState';
export { offlineSupergraph, resolveOperation, planOperation, type OfflineSupergraph, type OfflinePlan, type OfflineFailure, type ResolvedOperation } from './offlinePlan';
export { compileHeaderRules, type HeaderPlanner, type HeaderGuards } from './headerRules';
export { Upstreams, SubscriptionHub, type UpstreamOptions } from './subscriptions';
