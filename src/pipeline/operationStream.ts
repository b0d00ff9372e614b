import type { GraphQLFormattedError } from 'graphql';

/** How an operation arrived: what the transport can deliver (a stream of results, or one). */
export type Transport = 'http' | 'websocket' | 'sse' | 'multipart';

/** Transports that deliver a stream of results (subscriptions). */
export const STREAMING_TRANSPORTS: ReadonlySet<Transport> = new Set(['websocket', 'sse', 'multipart']);

/** One result of a stream, already formatted for the client (errors masked and coded). */
export interface StreamResult {
  data?: Record<string, unknown> | null;
  errors?: readonly GraphQLFormattedError[];
  extensions?: Record<string, unknown>;
  /** Incremental delivery (`@defer`, deferSpec=20220824): more parts follow. */
  hasNext?: boolean;
  /** Incremental delivery: the deferred parts this item delivers, each at its path. */
  incremental?: ReadonlyArray<IncrementalPart>;
}

/** One deferred fragment's data at one place of the response (`@defer`). */
export interface IncrementalPart {
  data: Record<string, unknown> | null;
  path: ReadonlyArray<string | number>;
  label?: string;
  errors?: readonly GraphQLFormattedError[];
}

const serialized = new WeakMap<StreamResult, string>();

/**
 * A stream result as JSON, serialized once however many clients receive the same object (a subscription
 * group hands one result to every identical subscriber): transports write this rather than stringify per client.
 */
export function resultJson(result: StreamResult): string {
  let json = serialized.get(result);
  if (json === undefined) {
    json = JSON.stringify(result);
    serialized.set(result, json);
  }
  return json;
}

/**
 * One item a stream delivers: an event's result, or the terminal error that ends it (the subscription ended
 * with a code: token expired, schema reload, upstream gone, slow consumer, shutdown). After a terminal item
 * the iteration is done. A stream that simply completes (the subgraph completed) ends without one.
 */
export type StreamItem = { result: StreamResult } | { end: GraphQLFormattedError };

/**
 * The answer of an operation that yields many results (a subscription), transport-neutral: the WebSocket,
 * SSE and multipart transports iterate it and write each item in their own format. `close()` is the client
 * leaving (unsubscribe, socket closed): it ends the iteration and frees the upstream when it was the last.
 */
export interface OperationStream extends AsyncIterable<StreamItem> {
  /** The client left; `slow_consumer` when the transport cut it off for not reading (metrics and the access log say so). */
  close(reason?: 'slow_consumer'): void;
}
