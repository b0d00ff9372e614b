import type { GraphQLFormattedError } from 'graphql';
import type { OperationStream, StreamItem, StreamResult } from '../../../src/pipeline';

/**
 * An OperationStream the test drives: `push` an event, `end` with a terminal error or `finish` normally; `closed`
 * says whether the transport closed it (the client left). Behaves as the contract says: after close() or a
 * terminal item, the iteration is done.
 */
export class PushStream implements OperationStream {
  closed = false;
  private readonly items: StreamItem[] = [];
  private done = false;
  private wake: (() => void) | undefined;

  push(result: StreamResult): void {
    this.add({ result });
  }

  end(error: GraphQLFormattedError): void {
    this.add({ end: error });
    this.done = true;
  }

  finish(): void {
    this.done = true;
    this.wake?.();
  }

  close(): void {
    this.closed = true;
    this.done = true;
    this.items.length = 0;
    this.wake?.();
  }

  private add(item: StreamItem): void {
    if (this.done) return;
    this.items.push(item);
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<StreamItem> {
    for (;;) {
      const item = this.items.shift();
      if (item) {
        yield item;
        if ('end' in item) return;
        continue;
      }
      if (this.done) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }
}
