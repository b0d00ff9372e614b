export { executePlan, type ExecutionInput } from './executor';
export { prepareOperation, type PreparedOperation } from './prepare';
export type { Shaper } from './shaper';
