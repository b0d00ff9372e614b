export type { Planner, PlannerKind } from './planner';
export { apolloPlanner } from './apolloPlanner';
export { rustPlanner } from './rustPlanner';
