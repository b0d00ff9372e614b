export { executePlan, type ExecutionInput, type RequestIdentity } from './executor';
export { guardedShaper, prepareOperation, type PreparedOperation } from './prepare';
export type { Shaper } from './shaper';
