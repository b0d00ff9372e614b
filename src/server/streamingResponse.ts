import type { ServerResponse } from 'node:http';
import type { OperationStream, Refusal } from '../pipeline';
import type { StreamConnections } from './streamConnections';

/** What the SSE and multipart transports need from `subscriptions` (config/schema.ts). */
export interface StreamingSettings {
  /** Unsent bytes on one response before its client counts as a slow consumer. */
  maxBufferedBytes: number;
  /** Multipart heartbeat (`{}` part) interval. */
  multipartHeartbeatMs: number;
}

/** Which streaming transport an HTTP request asks for with its Accept header; undefined: plain HTTP. */
export function streamingTransportOf(accept: string | undefined): 'sse' | 'multipart' | undefined {
  if (!accept) return undefined;
  const ranges = accept.toLowerCase().split(',').map((range) => range.trim());
  if (ranges.some((range) => range.split(';')[0]?.trim() === 'text/event-stream')) return 'sse';
  // Apollo's multipart subscriptions (`multipart/mixed;subscriptionSpec="1.0"`); a deferSpec range stays HTTP.
  if (ranges.some((range) => range.startsWith('multipart/mixed') && /;\s*subscriptionspec\s*=\s*"?1\.0"?/.test(range))) return 'multipart';
  return undefined;
}

/**
 * Whether a plain-HTTP request takes `@defer` parts as they come (Apollo Client and Router's incremental
 * delivery: `multipart/mixed;deferSpec=20220824`, quoted or not, not refused with q=0). It stays the HTTP
 * transport: a query answers a stream only when its plan defers something; otherwise one JSON answer.
 */
export function acceptsIncrementalDelivery(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept
    .toLowerCase()
    .split(',')
    .some((range) => range.trim().startsWith('multipart/mixed') && /;\s*deferspec\s*=\s*"?20220824"?/.test(range) && !/;\s*q\s*=\s*0(\.0*)?\s*(;|$)/.test(range));
}

/**
 * Takes a slot for a streaming response among every long-lived connection (subscriptions.maxConnections) and
 * ties the stream to the response: when the response closes, however it closes, the slot is freed and the stream
 * closed (the client left: its upstream is freed). Refused (the stream closed at once) when the bound is
 * reached, the gateway is stopping, or the client already left while the subscription was being set up.
 * `leave` closes the stream once, whoever calls it first.
 */
export function openStreamResponse(connections: StreamConnections, res: ServerResponse, stream: OperationStream): { refused: Refusal } | { leave: (reason?: 'slow_consumer') => void } {
  let left = false;
  const leave = (reason?: 'slow_consumer'): void => {
    if (left) return;
    left = true;
    stream.close(reason);
  };
  // A client that left during the pipeline never sees a 'close' after this; without the check its stream would
  // hold the upstream (and a slot) forever.
  if (res.destroyed || !res.socket || res.socket.destroyed) {
    leave();
    return { refused: { status: 400, code: 'BAD_REQUEST', message: 'The client left before the subscription started.' } };
  }
  // Shutdown needs nothing here: the core ends every stream with SHUTTING_DOWN, and that ends the response.
  const release = connections.tryOpen(() => undefined);
  if (!release) {
    leave();
    return connections.stopping
      ? { refused: { status: 503, code: 'SHUTTING_DOWN', message: 'The gateway is stopping; subscribe again shortly.' } }
      : { refused: { status: 503, code: 'SUBSCRIPTION_LIMIT', message: 'Too many open subscription connections on this gateway (subscriptions.maxConnections); try again later.' } };
  }
  res.once('close', () => {
    release();
    // After a complete response the stream has ended already; otherwise the client left mid-stream.
    if (!res.writableFinished) leave();
  });
  return { leave };
}

/**
 * A client that does not read its events makes its socket buffer grow without bound (a slow or hostile reader
 * pinning memory): beyond maxBufferedBytes of unsent bytes, it is cut off.
 */
export function overBuffered(res: ServerResponse, settings: StreamingSettings): boolean {
  return res.writableLength > settings.maxBufferedBytes;
}

export const SLOW_CONSUMER_ERROR = {
  message: 'The client read its events more slowly than they came (subscriptions.maxBufferedBytes); the subscription ended.',
  extensions: { code: 'SUBSCRIPTION_SLOW_CONSUMER' },
} as const;

/** How long a slow consumer has to take its last words before its socket is destroyed. */
const SLOW_CONSUMER_GRACE_MS = 5_000;

/**
 * Ends a slow consumer's response with its last words. They join a buffer that is already over the bound, so the
 * socket is destroyed if the client has not taken them soon (it may never read again).
 */
export function endSlowConsumer(res: ServerResponse, lastWords: string): void {
  if (!res.writable) return void res.destroy();
  const timer = setTimeout(() => res.destroy(), SLOW_CONSUMER_GRACE_MS);
  timer.unref();
  res.once('close', () => clearTimeout(timer));
  res.end(lastWords);
}
