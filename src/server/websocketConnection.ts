import type { IncomingMessage } from 'node:http';
import type { HeaderMap } from '@apollo/server';
import type { WebSocket } from 'ws';
import { newId, type Logger } from '../observability';
import type { OperationStream } from '../pipeline';

/**
 * The close codes of Junction's WebSocket transport. graphql-ws's own (4400 bad request, 4401 unauthorized,
 * 4403 forbidden, 4408 init timeout, 4409 duplicate id, 4429 too many init requests) keep their meaning;
 * 4429 also ends a slow consumer (its reason names SUBSCRIPTION_SLOW_CONSUMER), and 4503 mirrors HTTP 503 for
 * a process at `subscriptions.maxConnections` (graphql-ws clients retry it, unlike 4401/4403/4429).
 */
export const CLOSE = {
  GOING_AWAY: 1001,
  MESSAGE_TOO_BIG: 1009,
  UNAUTHORIZED: 4401,
  FORBIDDEN: 4403,
  SLOW_CONSUMER: 4429,
  INTERNAL_ERROR: 4500,
  OVERLOADED: 4503,
} as const;

/**
 * Keep-alive for every connection of a server on one timer (subscriptions.keepAliveMs): a timer per connection
 * would be memory per idle subscriber. Each tick pings every connection; one that has not answered the previous
 * ping is terminated.
 */
export class KeepAlive {
  private readonly connections = new Set<WebSocketConnection>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly intervalMs: number) {}

  add(connection: WebSocketConnection): void {
    this.connections.add(connection);
    if (this.timer) return;
    this.timer = setInterval(() => {
      for (const c of this.connections) c.beat();
    }, this.intervalMs);
    this.timer.unref();
  }

  delete(connection: WebSocketConnection): void {
    this.connections.delete(connection);
    if (this.connections.size > 0 || !this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

export interface ConnectionOptions {
  /** The server's keep-alive: no pong since the previous ping → terminated (subscriptions.keepAliveMs). */
  keepAlive: KeepAlive;
  /** Unsent bytes on the socket beyond which the client is a slow consumer (subscriptions.maxBufferedBytes). */
  maxBufferedBytes: number;
  logger: Logger;
}

/** A close reason is at most 123 bytes (RFC 6455 §5.5); the code comes first so a client can read it. */
export function closeReason(code: string, message: string): string {
  const reason = `${code}: ${message}`;
  return Buffer.byteLength(reason) <= 123 ? reason : code;
}

/**
 * One client WebSocket: its identity for every operation on it (headers set at connection_init), its active
 * operations, keep-alive and the send path. Operations end through `operationEnded`; on shutdown the socket
 * closes 1001 once every operation has delivered its last message.
 */
export class WebSocketConnection {
  readonly id = newId();
  /** The upgrade request's headers with the connection_init credentials: every OperationRequest's headers. */
  headers: HeaderMap | undefined;
  /** Operation id → its stream once the pipeline answered one (undefined while running, or for a single result). */
  readonly active = new Map<string, OperationStream | undefined>();
  /** Why the connection ended its operations itself (slow consumer, shutdown): their access-log reason. */
  endReason: string | undefined;
  private stopping = false;
  private alive = true;
  /** The client's address, for every operation's rate-limit key and log. */
  readonly remoteAddress: string | undefined;
  /**
   * The upgrade request, until connection_init has made `headers` from it (releaseRequest): kept for the life
   * of the socket it would hold every header string and the raw header list, per idle connection.
   */
  request: IncomingMessage | undefined;

  constructor(
    readonly socket: WebSocket,
    request: IncomingMessage,
    private readonly options: ConnectionOptions,
  ) {
    this.request = request;
    this.remoteAddress = request.socket.remoteAddress;
    // Half-open sockets (a client whose network vanished) would hold a slot and their subscriptions forever:
    // a client that has not answered the previous ping by the next one is cut.
    options.keepAlive.add(this);
    socket.on('pong', () => (this.alive = true));
  }

  /** One keep-alive tick (KeepAlive). */
  beat(): void {
    if (!this.alive) return void this.socket.terminate();
    this.alive = false;
    this.socket.ping();
  }

  get shuttingDown(): boolean {
    return this.stopping;
  }

  /**
   * Writes one protocol message. Memory exhaustion by a client that does not read: unsent bytes pile up in the
   * socket's buffer, so beyond `maxBufferedBytes` the client is disconnected (4429) and its streams closed,
   * rather than buffering without bound. Sends are not awaited, so a slow reader never holds the stream back.
   */
  send(data: string): Promise<void> {
    if (this.socket.readyState !== this.socket.OPEN) return Promise.resolve();
    if (this.socket.bufferedAmount > this.options.maxBufferedBytes) {
      this.end('SUBSCRIPTION_SLOW_CONSUMER', CLOSE.SLOW_CONSUMER, `more than ${this.options.maxBufferedBytes} bytes unread`);
      return Promise.resolve();
    }
    this.socket.send(data, (err) => {
      if (err) this.options.logger.debug({ err, connectionId: this.id }, 'websocket send failed');
    });
    return Promise.resolve();
  }

  /** Closes the socket with a coded reason, ending every stream on it first (they stop pulling events at once). */
  end(code: string, closeCode: number, message: string): void {
    this.endReason ??= code;
    if (closeCode === CLOSE.SLOW_CONSUMER) this.options.logger.warn({ connectionId: this.id, code }, 'websocket client disconnected: slow consumer');
    const slow = closeCode === CLOSE.SLOW_CONSUMER ? 'slow_consumer' : undefined;
    for (const stream of this.active.values()) stream?.close(slow);
    this.socket.close(closeCode, closeReason(code, message));
  }

  /**
   * Shutdown (StreamConnections.closeAll): no new operation starts; the core ends each stream with
   * SHUTTING_DOWN, and once the last operation has delivered it the socket closes 1001.
   */
  shutdown(): void {
    this.stopping = true;
    this.closeIfDrained();
  }

  operationEnded(id: string): void {
    this.active.delete(id);
    this.closeIfDrained();
  }

  /** The socket closed: timers stop. */
  closed(): void {
    this.options.keepAlive.delete(this);
  }

  private closeIfDrained(): void {
    if (!this.stopping || this.active.size > 0) return;
    // After the operation's last `next`/`complete`, which graphql-ws sends a few promise turns later.
    setImmediate(() => this.socket.close(CLOSE.GOING_AWAY, closeReason('SHUTTING_DOWN', 'the gateway is stopping')));
  }
}
