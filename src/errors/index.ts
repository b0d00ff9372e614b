export { ERROR_CODES, type ErrorCode } from './codes';
export { junctionError, errorBody } from './junctionError';
export { compileSubgraphErrorPolicy, type SubgraphErrorPolicy } from './subgraphErrors';
export { createErrorFormatter } from './formatError';
export { subgraphErrorsPlugin } from './subgraphErrorsPlugin';
export { createResultErrorFormatter } from './formatResultErrors';
