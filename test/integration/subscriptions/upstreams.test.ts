import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSchema } from 'graphql';
import { useServer } from 'graphql-ws/lib/use/ws';
import { WebSocketServer } from 'ws';
import { Upstreams, type UpstreamOptions } from '../../../src/gateway';
import { waitFor } from '../../helpers/waitFor';

/** A graphql-ws subgraph that records what each connection carried, and ticks on demand. */
async function startTicker(): Promise<{ url: string; connections: Array<{ header: string | undefined; param: unknown; open: boolean }>; tick(): void; stop(): Promise<void> }> {
  const schema = buildSchema('type Query { ok: Boolean } type Subscription { tick(tag: String): String }');
  const listeners = new Set<(n: number) => void>();
  let n = 0;
  const roots = {
    tick: (args: { tag?: string }) => ({
      [Symbol.asyncIterator]() {
        const queue: number[] = [];
        let wake: (() => void) | undefined;
        const listener = (value: number) => {
          queue.push(value);
          wake?.();
        };
        listeners.add(listener);
        return {
          async next() {
            while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
            return { value: { tick: `${args.tag ?? ''}${queue.shift()}` }, done: false };
          },
          async return() {
            listeners.delete(listener);
            return { value: undefined, done: true };
          },
        };
      },
    }),
  };
  const server: Server = createServer();
  const wss = new WebSocketServer({ server, path: '/graphql' });
  const connections: Array<{ header: string | undefined; param: unknown; open: boolean }> = [];
  useServer(
    {
      schema,
      roots: { subscription: roots },
      onConnect: (ctx) => {
        const record = { header: ctx.extra.request.headers['x-junction-identity'] as string | undefined, param: (ctx.connectionParams ?? {})['x-junction-identity'], open: true };
        connections.push(record);
        ctx.extra.socket.once('close', () => (record.open = false));
      },
    },
    wss,
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  return {
    url,
    connections,
    tick: () => {
      n++;
      for (const l of listeners) l(n);
    },
    stop: () =>
      new Promise((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.close(() => resolve());
      }),
  };
}

describe('upstream subscriptions to subgraphs', () => {
  let ticker: Awaited<ReturnType<typeof startTicker>>;
  let upstreams: Upstreams;
  const options: UpstreamOptions = { identityHeader: 'x-junction-identity', connectionMaxAgeMs: 300, connectTimeoutMs: 2000, maxMessageBytes: 1024 * 1024 };

  beforeEach(async () => {
    ticker = await startTicker();
    upstreams = new Upstreams(options);
  });
  afterEach(async () => {
    upstreams.close();
    await ticker.stop();
  });

  const request = (token: string, tag: string) => ({ subgraph: 's', url: ticker.url, operation: 'subscription ($tag: String) { tick(tag: $tag) }', variables: { tag }, headers: ['x-junction-identity', token], vary: 'caller-1', claims: undefined });

  it('carries the identity in the upgrade headers and connection_init, and opens a fresh connection for new subscriptions once the old one is older than connectionMaxAgeMs', async () => {
    const seen: unknown[] = [];
    const stopFirst = upstreams.listen(request('token-1', 'a'), { next: (e) => seen.push(e.data), ended: () => undefined });
    await waitFor(() => (ticker.connections.length === 1 ? true : undefined), 'the first connection');
    expect(ticker.connections[0]).toMatchObject({ header: 'token-1', param: 'token-1' });
    // A second subscription at once shares the connection (one socket per caller and subgraph).
    const stopSecond = upstreams.listen(request('token-1', 'b'), { next: () => undefined, ended: () => undefined });
    await new Promise((resolve) => setTimeout(resolve, 400));
    // Past the age: the token on that connection may be stale, so a new subscription opens a new connection.
    const stopThird = upstreams.listen(request('token-2', 'c'), { next: () => undefined, ended: () => undefined });
    await waitFor(() => (ticker.connections.length === 2 ? true : undefined), 'a fresh connection');
    expect(ticker.connections[1]).toMatchObject({ header: 'token-2', param: 'token-2' });
    // The old connection keeps its subscriptions until they end, then closes.
    ticker.tick();
    await waitFor(() => (seen.length === 1 ? true : undefined), 'an event on the old connection');
    expect(seen[0]).toEqual({ tick: 'a1' });
    stopFirst();
    stopSecond();
    await waitFor(() => (ticker.connections[0]?.open === false ? true : undefined), 'the old connection closed');
    expect(ticker.connections[1]?.open).toBe(true);
    stopThird();
    await waitFor(() => (ticker.connections[1]?.open === false ? true : undefined), 'the last connection closed');
  });

  it('shares one upstream subscription between identical requests and tells every listener when the subgraph goes away', async () => {
    const ended: Array<string | undefined> = [];
    const a = upstreams.listen(request('t', 'x'), { next: () => undefined, ended: (why) => ended.push(why ?? 'complete') });
    upstreams.listen(request('t', 'x'), { next: () => undefined, ended: (why) => ended.push(why ?? 'complete') });
    await waitFor(() => (ticker.connections.length === 1 ? true : undefined), 'the connection');
    expect(upstreams.active).toBe(1);
    a();
    expect(upstreams.active).toBe(1);
    await ticker.stop();
    await waitFor(() => (ended.length === 1 ? true : undefined), 'the remaining listener told');
    expect(ended[0]).toMatch(/closed|socket|connection/i);
    expect(upstreams.active).toBe(0);
  });
});
