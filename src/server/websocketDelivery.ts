import type { ExecutionResult, GraphQLFormattedError } from 'graphql';
import type { StreamItem } from '../pipeline';

/** How a delivery ended: `complete`, `client` (unsubscribed or left), or the terminal error's code. */
export type DeliveryEnd = (reason: string, events: number) => void;

/**
 * The results of one operation as graphql-ws iterates them: each `{ result }` becomes a `next`, a terminal
 * `{ end }` a last `next` carrying the error (then graphql-ws sends `complete`). `return()` is the client
 * leaving (its `complete`, or the socket closing): it closes the source at once, even while a `next()` waits,
 * so the upstream is freed without waiting for another event. graphql-ws calls `return()` on anything with one.
 */
export class Delivery implements AsyncIterableIterator<ExecutionResult> {
  private events = 0;
  private finished = false;
  private readonly source: AsyncIterator<StreamItem>;

  constructor(
    items: AsyncIterable<StreamItem>,
    private readonly closeSource: () => void,
    private readonly onEnd: DeliveryEnd,
  ) {
    this.source = items[Symbol.asyncIterator]();
  }

  /** A single result (a query or mutation) as a one-item delivery. */
  static single(result: ExecutionResult, onEnd: DeliveryEnd): Delivery {
    const item = { result } as StreamItem;
    return new Delivery((async function* () { yield item; })(), () => undefined, onEnd);
  }

  async next(): Promise<IteratorResult<ExecutionResult>> {
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
      return { done: false, value: { errors: [item.end] } as unknown as ExecutionResult };
    }
    return { done: false, value: item.result as ExecutionResult };
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
