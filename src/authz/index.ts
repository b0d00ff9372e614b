export { authorizationIndexOf, type AuthorizationIndex } from './authorizationIndex';
export { authorizeOperation, type AuthorizationResult, type UnauthorizedPath } from './authorizeOperation';
export type { Caller, Requirement } from './requirement';
export { createPolicyEvaluator, type PolicyEvaluator } from './policies';
