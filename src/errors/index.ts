export { ERROR_CODES, type ErrorCode } from './codes';
export { junctionError, errorBody } from './junctionError';
export { compileSubgraphErrorPolicy, REDACTED_MESSAGE, type SubgraphErrorPolicy, type SubgraphErrorRule, type SubgraphErrorsConfig } from './subgraphErrors';
