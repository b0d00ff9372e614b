export { executePlan, executeSubscriptionEvent, type DeferSink, type ExecutionInput, type FetchRecord, fetchRecord } from './executor';
export type { DeferredShapers } from './deferredShapers';
export { guardedShaper, onlyJunctionRuns, prepareOperation, type PreparedOperation } from './prepare';
export type { Shaper } from './shaper';
export { plannedDocument } from './deferredFragments';
export type { BatchFetchNode } from './planNodes';
export { applyRewrites, type DataRewrite } from './rewrites';
