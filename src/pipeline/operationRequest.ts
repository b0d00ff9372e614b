import type { HeaderMap } from '@apollo/server';
import type { ErrorCode } from '../errors';
import type { RequestContext } from './requestContext';

/**
 * An operation request as every transport hands it to the pipeline: HTTP POST (the parsed JSON body: one
 * operation or a batch), HTTP GET (the search string), and later WebSocket / SSE messages.
 */
export interface OperationRequest {
  method: 'GET' | 'POST' | string;
  /** Lower-case names (Apollo Server's HeaderMap). */
  headers: HeaderMap;
  /** `?query=…&variables=…` for GET ('' otherwise). */
  search: string;
  /** The parsed body: an operation object, an array of them (a batch), or text Apollo Server will refuse. */
  body: unknown;
  /** The peer's address (rate limiting by IP). */
  remoteAddress: string | undefined;
}

/** A stage's refusal: answered at once with this status and code, no later stage runs. */
export interface Refusal {
  status: number;
  code: ErrorCode;
  message: string;
  /** Response headers the refusal carries (WWW-Authenticate, Retry-After, RateLimit-*, Cache-Control). */
  headers?: ReadonlyArray<readonly [string, string]>;
}

/**
 * One policy of the pipeline: reads (and may rewrite) the request, fills its part of the context, adds
 * response headers, or refuses. Options are resolved when the stage is made, never per request.
 */
export type Stage = (request: OperationRequest, context: RequestContext, response: ResponseHeaders) => Refusal | undefined | Promise<Refusal | undefined>;

/** Headers a stage adds to whatever answer the request gets (e.g. RateLimit-*). */
export type ResponseHeaders = Array<readonly [string, string]>;

/** The operations of a request: one, or a batch's (each object as sent). */
export function operationsOf(request: OperationRequest): unknown[] {
  return Array.isArray(request.body) ? request.body : [request.body];
}
