export { SubscriptionHub, type SubscriptionHubOptions, type SubscriptionObserver, type SubscribeRequest, type GroupPlan } from './subscriptionHub';
export { Upstreams, type UpstreamOptions } from './upstreams';
export { groupPlanOf, derivedSubscriptionUrl } from './groupPlan';
export { ClientStream, type EndReason } from './clientStream';
