import { subscribe } from 'node:diagnostics_channel';
import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { ManagedChild } from './processes';

/** What one subgraph's front door received and answered, since the subgraphs process started. */
export interface TrafficCounts {
  readonly requests: number;
  /** Bytes read from the gateway's sockets: request line, headers and body. */
  readonly requestBytes: number;
  /** Bytes written back: status line, headers and body. */
  readonly responseBytes: number;
}

/** Counts by subgraph name. */
export type TrafficSnapshot = Readonly<Record<string, TrafficCounts>>;

/** Messages on the subgraphs process's IPC channel (besides its `ready`/`error` report). */
export type TrafficRequest = { readonly type: 'traffic'; readonly id: number };
export type TrafficReply = { readonly type: 'traffic'; readonly id: number; readonly counts: TrafficSnapshot };

/** The measured window's traffic: totals, per client request, and per subgraph. */
export interface SubgraphTraffic extends TrafficCounts {
  readonly perClientRequest: TrafficCounts;
  readonly bySubgraph: TrafficSnapshot;
}

/**
 * Counts every HTTP request that reaches one of `frontDoors` (port → subgraph name): the URLs the gateways
 * were given, so with the memo proxy on it is what a gateway sent, before the memo answers it, and with
 * --real-subgraphs the subgraph servers themselves. Node's built-in http diagnostics channels see each
 * server without touching its handlers. Bytes are socket deltas between one response's end and the next:
 * each gateway connection carries one request at a time, so a delta is exactly one exchange.
 */
export function countFrontDoorTraffic(frontDoors: ReadonlyMap<number, string>): () => TrafficSnapshot {
  const counts = new Map<string, { requests: number; requestBytes: number; responseBytes: number }>();
  for (const name of frontDoors.values()) counts.set(name, { requests: 0, requestBytes: 0, responseBytes: 0 });
  const seen = new WeakMap<Socket, { read: number; written: number }>();
  const nameOf = (server: Server): string | undefined => {
    const address = server.address() as AddressInfo | null;
    return address ? frontDoors.get(address.port) : undefined;
  };
  subscribe('http.server.request.start', (message) => {
    const name = nameOf((message as { server: Server }).server);
    const count = name === undefined ? undefined : counts.get(name);
    if (count) count.requests++;
  });
  subscribe('http.server.response.finish', (message) => {
    const { server, socket } = message as { server: Server; socket: Socket | null };
    const count = counts.get(nameOf(server) ?? '');
    if (!count || !socket) return;
    const last = seen.get(socket) ?? { read: 0, written: 0 };
    count.requestBytes += socket.bytesRead - last.read;
    count.responseBytes += socket.bytesWritten - last.written;
    seen.set(socket, { read: socket.bytesRead, written: socket.bytesWritten });
  });
  return () => Object.fromEntries([...counts].map(([name, c]) => [name, { ...c }]));
}

let nextId = 0;

/** Asks the subgraphs process for its counters over IPC (a millisecond or so on an idle process). */
export function readTraffic(child: ManagedChild, timeoutMs = 5_000): Promise<TrafficSnapshot> {
  const id = ++nextId;
  return new Promise((resolve, reject) => {
    const onMessage = (message: unknown): void => {
      const reply = message as Partial<TrafficReply> | undefined;
      if (reply?.type !== 'traffic' || reply.id !== id || reply.counts === undefined) return;
      clearTimeout(timer);
      child.proc.off('message', onMessage);
      resolve(reply.counts);
    };
    const timer = setTimeout(() => {
      child.proc.off('message', onMessage);
      reject(new Error(`the subgraphs process did not report its traffic counters within ${timeoutMs} ms`));
    }, timeoutMs);
    child.proc.on('message', onMessage);
    const request: TrafficRequest = { type: 'traffic', id };
    child.proc.send(request);
  });
}

/** after − before, in total and per client request. */
export function trafficBetween(before: TrafficSnapshot, after: TrafficSnapshot, clientRequests: number): SubgraphTraffic {
  const bySubgraph: Record<string, TrafficCounts> = {};
  let requests = 0;
  let requestBytes = 0;
  let responseBytes = 0;
  for (const [name, a] of Object.entries(after)) {
    const b = before[name] ?? { requests: 0, requestBytes: 0, responseBytes: 0 };
    const delta = { requests: a.requests - b.requests, requestBytes: a.requestBytes - b.requestBytes, responseBytes: a.responseBytes - b.responseBytes };
    bySubgraph[name] = delta;
    requests += delta.requests;
    requestBytes += delta.requestBytes;
    responseBytes += delta.responseBytes;
  }
  const per = (n: number): number => (clientRequests > 0 ? n / clientRequests : Number.NaN);
  return {
    requests,
    requestBytes,
    responseBytes,
    perClientRequest: { requests: per(requests), requestBytes: per(requestBytes), responseBytes: per(responseBytes) },
    bySubgraph,
  };
}
