import type { ExecutionResult, GraphQLFormattedError } from 'graphql';
import { resultJson, type StreamItem } from '../pipeline';

/** How a delivery ended: `complete`, `client` (unsubscribed or left), or the terminal error's code. */
export type DeliveryEnd = (reason: string, events: number) => void;

/**
 * The results of one operation as graphql-ws iterates them: each `{ result }` becomes a `next`, a terminal
 * `{ end }` a last `next` carrying the error (then graphql-ws sends `complete`). `return()` is the client
 * leaving (its `complete`, or the socket closing): it closes the source at once, even while a `next()` waits,
 * so the upstream is freed without waiting for another event. graphql-ws calls `return()` on anything with one.
 *
 * With `send` (a subscription's stream), the `next` messages are written here, not by graphql-ws: a result
 * shared by every identical subscriber is serialized once (resultJson) and each client only gets its id
 * around it — graphql-ws would validate and stringify the same payload once per client. graphql-ws still
 * sends the `complete` when the iteration ends.
 */
export class Delivery implements AsyncIterableIterator<ExecutionResult> {
  private events = 0;
  private finished = false;
  private readonly source: AsyncIterator<StreamItem>;
  private readonly idJson: string;

  constructor(
    items: AsyncIterable<StreamItem>,
    private readonly closeSource: () => void,
    private readonly onEnd: DeliveryEnd,
    private readonly send?: { id: string; write: (frame: string) => void },
  ) {
    this.source = items[Symbol.asyncIterator]();
    this.idJson = send ? JSON.stringify(send.id) : '';
  }

  /** A single result (a query or mutation) as a one-item delivery. */
  static single(result: ExecutionResult, onEnd: DeliveryEnd): Delivery {
    const item = { result } as StreamItem;
    return new Delivery((async function* () { yield item; })(), () => undefined, onEnd);
  }

  async next(): Promise<IteratorResult<ExecutionResult>> {
    for (;;) {
      if (this.finished) return { done: true, value: undefined };
      const step = await this.source.next();
      if (this.finished) return { done: true, value: undefined };
      if (step.done) {
        this.finish('complete');
        return { done: true, value: undefined };
      }
      const item = step.value;
      this.events++;
      if ('end' in item) {
        this.finish(codeOf(item.end));
        if (!this.send) return { done: false, value: { errors: [item.end] } as unknown as ExecutionResult };
        this.write(JSON.stringify({ errors: [item.end] }));
        return { done: true, value: undefined };
      }
      if (!this.send) return { done: false, value: item.result as ExecutionResult };
      this.write(resultJson(item.result));
    }
  }

  private write(payloadJson: string): void {
    this.send?.write(`{"id":${this.idJson},"type":"next","payload":${payloadJson}}`);
  }

  async return(): Promise<IteratorResult<ExecutionResult>> {
    if (!this.finished) {
      this.finish('client');
      this.closeSource();
    }
    return { done: true, value: undefined };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private finish(reason: string): void {
    this.finished = true;
    this.onEnd(reason, this.events);
  }
}

function codeOf(error: GraphQLFormattedError): string {
  const code = error.extensions?.code;
  return typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
}
