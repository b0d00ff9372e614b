export { executePlan, executeSubscriptionEvent, type ExecutionInput } from './executor';
export { guardedShaper, prepareOperation, type PreparedOperation } from './prepare';
export type { Shaper } from './shaper';
