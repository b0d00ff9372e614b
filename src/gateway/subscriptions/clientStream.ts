import type { GraphQLFormattedError } from 'graphql';
import type { OperationStream, StreamItem, StreamResult } from '../../pipeline/operationStream';

/** Why a client's subscription ended (metrics, access log). */
export type EndReason = 'complete' | 'client' | 'slow_consumer' | 'token_expired' | 'schema_reload' | 'upstream' | 'shutdown' | 'error';

/**
 * One client's subscription as its transport reads it: events wait in a bounded queue until the transport
 * takes them. Slow consumer: a client that reads more slowly than events come would make the queue (and the
 * gateway's memory) grow without bound; past `maxQueued` waiting events it is ended with
 * SUBSCRIPTION_SLOW_CONSUMER instead. The terminal item is always delivered (it is never dropped for the bound).
 */
export class ClientStream implements OperationStream {
  private readonly queue: StreamItem[] = [];
  private waiting: ((next: IteratorResult<StreamItem>) => void) | undefined;
  private finished = false;
  /** Set once, when the subscription ends (the hub counts and logs it). */
  reason: EndReason | undefined;
  /** Events handed to the transport. */
  delivered = 0;
  readonly startedAt = Date.now();

  constructor(
    private readonly maxQueued: number,
    private readonly onEnd: (stream: ClientStream, reason: EndReason) => void,
  ) {}

  get ended(): boolean {
    return this.finished;
  }

  /** An event's result for this client. */
  push(result: StreamResult): void {
    if (this.finished) return;
    if (this.queue.length >= this.maxQueued) {
      this.end('slow_consumer', { message: `The client did not read its events fast enough (more than ${this.maxQueued} waited).`, extensions: { code: 'SUBSCRIPTION_SLOW_CONSUMER' } });
      return;
    }
    this.deliver({ result });
  }

  /** Ends the subscription: with `error`, a terminal item the client receives; without, a plain completion. */
  end(reason: EndReason, error?: GraphQLFormattedError): void {
    if (this.finished) return;
    this.finished = true;
    this.reason = reason;
    if (error) {
      // The terminal error goes ahead of whatever waits: a slow consumer or an expired token ends now.
      this.queue.length = 0;
      this.deliver({ end: error });
    }
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value: undefined, done: true });
    }
    this.onEnd(this, reason);
  }

  /** The client left (unsubscribed, disconnected), or its transport cut it off as a slow consumer. */
  close(reason?: 'slow_consumer'): void {
    this.queue.length = 0;
    this.end(reason ?? 'client');
  }

  private deliver(item: StreamItem): void {
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      if ('result' in item) this.delivered++;
      resolve({ value: item, done: false });
      return;
    }
    this.queue.push(item);
  }

  [Symbol.asyncIterator](): AsyncIterator<StreamItem> {
    return {
      next: () => {
        const item = this.queue.shift();
        if (item) {
          if ('result' in item) this.delivered++;
          return Promise.resolve({ value: item, done: false });
        }
        if (this.finished) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => (this.waiting = resolve));
      },
      return: () => {
        this.close();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}
