import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeaderMap } from '@apollo/server';
import type { OperationStream, PipelineAnswer, Refusal, StreamItem } from '../../../src/pipeline';
import { createLogger } from '../../../src/observability';
import { StreamConnections } from '../../../src/server/streamConnections';
import { createWebSocketTransport, type WebSocketTransport, type WebSocketTransportOptions } from '../../../src/server/websocketTransport';
import { testConfig } from '../../helpers/gateway';

/** A stream the test drives: what the gateway's core hands a transport for a subscription. */
export class FakeStream implements OperationStream {
  closed = false;
  private readonly queued: StreamItem[] = [];
  private waiting: ((step: IteratorResult<StreamItem>) => void) | undefined;
  private done = false;

  push(item: StreamItem): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    if (waiting) waiting({ done: false, value: item });
    else this.queued.push(item);
  }

  finish(): void {
    this.done = true;
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.({ done: true, value: undefined });
  }

  close(): void {
    this.closed = true;
    this.finish();
  }

  [Symbol.asyncIterator](): AsyncIterator<StreamItem> {
    return {
      next: () => {
        const item = this.queued.shift();
        if (item) return Promise.resolve({ done: false, value: item });
        if (this.done) return Promise.resolve({ done: true, value: undefined });
        return new Promise((resolve) => (this.waiting = resolve));
      },
    };
  }
}

export interface FakeCore {
  url: string;
  streams: StreamConnections;
  transport: WebSocketTransport;
  /** The streams handed out, in order. */
  opened: FakeStream[];
  /** The next operation is refused with this. */
  refuseNext: Refusal | undefined;
  stop(): Promise<void>;
}

/**
 * The WebSocket transport on a bare HTTP server over a fake pipeline whose every operation is a FakeStream:
 * the transport's side of the stream contract, tested apart from the gateway's core.
 */
export async function startFakeCore(yaml = '', overrides: Partial<WebSocketTransportOptions> = {}): Promise<FakeCore> {
  const config = testConfig(yaml);
  const streams = new StreamConnections(config.subscriptions.maxConnections);
  const core = { opened: [] as FakeStream[], refuseNext: undefined as Refusal | undefined };
  const accepted = { status: 200, headers: new HeaderMap(), body: { kind: 'complete' as const, string: '{"data":null}' } };
  const pipeline = {
    stages: [],
    authenticate: async () => undefined,
    run: async (): Promise<PipelineAnswer> => {
      const refused = core.refuseNext;
      core.refuseNext = undefined;
      if (refused) return { refused, headers: [] };
      const stream = new FakeStream();
      core.opened.push(stream);
      return { refused: undefined, response: accepted, headers: [], stream };
    },
  };
  const transport = createWebSocketTransport({
    pipeline,
    apollo: () => ({}) as never,
    subscriptions: config.subscriptions,
    streams,
    cors: undefined,
    tokenHeader: 'authorization',
    maxHeaders: 100,
    logger: createLogger('silent'),
    accessLog: false,
    metrics: undefined,
    ...overrides,
  });
  const server: Server = createServer((_req, res) => res.end());
  server.on('upgrade', transport.upgrade);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  return Object.assign(core, {
    url,
    streams,
    transport,
    stop: async () => {
      streams.closeAll();
      await transport.close(Date.now() + 1000);
      await new Promise((resolve) => server.close(resolve));
    },
  });
}
