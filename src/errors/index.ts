export { ERROR_CODES, httpStatusOf, type ErrorCode } from './codes';
export { junctionError, errorBody } from './junctionError';
