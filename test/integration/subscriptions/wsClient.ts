import { createClient, type Client, type ClientOptions } from 'graphql-ws';
import WebSocket from 'ws';

/** ws:// for a gateway's http:// /graphql URL. */
export const wsUrl = (httpUrl: string): string => httpUrl.replace(/^http/, 'ws');

export interface Outcome {
  /** Every `next` payload, in order. */
  results: unknown[];
  /** The `error` message's errors, or the close event that ended the operation (`{ code, reason }`). */
  error?: { code?: number; reason?: string } | Array<{ message: string; extensions?: Record<string, unknown> }>;
  completed: boolean;
}

/** Real graphql-ws clients; `closeClients` disposes of every one a test opened. */
const clients: Client[] = [];

export function wsClient(url: string, options: Partial<ClientOptions> = {}): Client {
  const client = createClient({ url: wsUrl(url), webSocketImpl: WebSocket, retryAttempts: 0, lazy: true, ...options });
  clients.push(client);
  return client;
}

export async function closeClients(): Promise<void> {
  await Promise.all(clients.splice(0).map((client) => client.dispose()));
}

/** Runs one operation to its end: its results, and how it ended (complete, an error message, or a close). */
export function operate(client: Client, payload: { query: string; variables?: Record<string, unknown>; operationName?: string; extensions?: Record<string, unknown> }): Promise<Outcome> & { unsubscribe: () => void } {
  const outcome: Outcome = { results: [], completed: false };
  let unsubscribe = (): void => undefined;
  const done = new Promise<Outcome>((resolve) => {
    unsubscribe = client.subscribe(payload, {
      next: (value) => void outcome.results.push(value),
      error: (err) => {
        outcome.error = Array.isArray(err) ? (err as Outcome['error']) : { code: (err as { code?: number }).code, reason: (err as { reason?: string }).reason };
        resolve(outcome);
      },
      complete: () => {
        outcome.completed = true;
        resolve(outcome);
      },
    });
  });
  return Object.assign(done, { unsubscribe: () => unsubscribe() });
}

/** A raw `ws` socket speaking graphql-transport-ws: what a client that misbehaves (or a browser page) sends. */
export function rawSocket(url: string, options: WebSocket.ClientOptions = {}): WebSocket {
  return new WebSocket(wsUrl(url), 'graphql-transport-ws', options);
}

/** The HTTP answer to an upgrade that was refused (status and JSON body), or 101 when the socket opened. */
export function upgradeAnswer(socket: WebSocket): Promise<{ status: number; body?: { errors?: Array<{ message: string; extensions?: { code?: string } }> } }> {
  return new Promise((resolve, reject) => {
    socket.once('open', () => {
      resolve({ status: 101 });
      socket.close();
    });
    socket.once('unexpected-response', (_req, res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
    });
    socket.once('error', (err) => {
      if (socket.readyState !== WebSocket.CLOSED) reject(err);
    });
  });
}

/** The close code and reason a raw socket ends with. */
export function closeOf(socket: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
}

/** The next protocol message of a raw socket (parsed). */
export function nextMessage(socket: WebSocket): Promise<{ type: string; id?: string; payload?: unknown }> {
  return new Promise((resolve) => socket.once('message', (data: Buffer) => resolve(JSON.parse(data.toString('utf8')))));
}
