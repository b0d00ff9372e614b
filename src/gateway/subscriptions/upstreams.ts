import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/** What one upstream event is: a subgraph's result for the plan's primary fetch. */
export interface UpstreamEvent {
  data?: unknown;
  errors?: ReadonlyArray<Record<string, unknown>> | undefined;
}

/** Someone reading an upstream subscription (a group of identical client subscriptions). */
export interface UpstreamListener {
  next(event: UpstreamEvent): void;
  /** The upstream ended: `undefined` when the subgraph completed it, else why it failed (for the log). */
  ended(failure: string | undefined): void;
}

/** One subscription request to a subgraph, with everything the subgraph request description carries. */
export interface UpstreamRequest {
  subgraph: string;
  url: string;
  operation: string;
  variables: Record<string, unknown>;
  /** Headers for the WebSocket upgrade, as a flat [name, value, …] list (SubgraphRequests.headers). */
  headers: readonly string[] | undefined;
  /** SubgraphRequests.vary of this subgraph: two requests share an upstream only when it is equal. */
  vary: string;
  /** Forwarded claims (`identity.forwardClaims`), sent as the subscribe message's extensions. */
  claims: Readonly<Record<string, unknown>> | undefined;
}

export interface UpstreamOptions {
  /** The identity header's name (sent in connection_init too: a subgraph may read it there). */
  identityHeader: string;
  /** New upstream subscriptions never go on a connection older than this (its identity token would be stale). */
  connectionMaxAgeMs: number;
  /** Connect (and connection_ack) deadline. */
  connectTimeoutMs: number;
  /** Largest message a subgraph may send. */
  maxMessageBytes: number;
  /** Upstream subscriptions opened / closed (metrics). */
  onCountChange?: (active: number) => void;
}

/** A graphql-ws connection to one subgraph with one set of headers. */
interface Connection {
  client: Client;
  openedAt: number;
  users: number;
}

/** One subscription at a subgraph, read by every listener that asked for the same one. */
class Upstream {
  readonly listeners = new Set<UpstreamListener>();
  unsubscribe: (() => void) | undefined;
  done = false;
  constructor(readonly key: string) {}
}

/**
 * Subscriptions to subgraphs over graphql-ws. Identical requests (subgraph, operation, variables and the
 * subgraph-request digest `vary` — the headers and identity they would send) share one upstream
 * subscription; the last listener leaving closes it, and a connection with no subscription left closes too.
 * A connection carries its headers from the moment it opened: new subscriptions move to a fresh connection
 * once it is older than `connectionMaxAgeMs`, so a subgraph always verifies an identity token that is current.
 */
export class Upstreams {
  private readonly upstreams = new Map<string, Upstream>();
  private readonly connections = new Map<string, Connection>();

  constructor(private readonly options: UpstreamOptions) {}

  /** Upstream subscriptions open now. */
  get active(): number {
    return this.upstreams.size;
  }

  /** Starts reading the upstream for `request` (opening it if nobody reads it yet); returns the way to stop. */
  listen(request: UpstreamRequest, listener: UpstreamListener): () => void {
    const key = JSON.stringify([request.subgraph, request.url, request.operation, request.variables, request.vary]);
    let upstream = this.upstreams.get(key);
    if (!upstream) {
      upstream = new Upstream(key);
      this.upstreams.set(key, upstream);
      this.open(upstream, request);
      this.options.onCountChange?.(this.upstreams.size);
    }
    const current = upstream;
    current.listeners.add(listener);
    return () => {
      if (!current.listeners.delete(listener) || current.listeners.size > 0) return;
      this.finish(current);
      current.unsubscribe?.();
    };
  }

  /** Closes every upstream subscription and connection (the gateway is stopping). */
  close(): void {
    for (const upstream of [...this.upstreams.values()]) {
      this.finish(upstream);
      upstream.unsubscribe?.();
    }
    for (const connection of this.connections.values()) void connection.client.dispose();
    this.connections.clear();
  }

  private finish(upstream: Upstream): void {
    if (upstream.done) return;
    upstream.done = true;
    if (this.upstreams.get(upstream.key) === upstream) this.upstreams.delete(upstream.key);
    this.options.onCountChange?.(this.upstreams.size);
  }

  private open(upstream: Upstream, request: UpstreamRequest): void {
    const [connectionKey, connection] = this.connectionFor(request);
    connection.users++;
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      // A connection nobody uses is forgotten (one per caller identity would otherwise pile up).
      if (--connection.users > 0) return;
      if (this.connections.get(connectionKey) === connection) this.connections.delete(connectionKey);
      void connection.client.dispose();
    };
    const extensions = request.claims ? { jwt: { payload: request.claims } } : undefined;
    upstream.unsubscribe = connection.client.subscribe<Record<string, unknown>>(
      { query: request.operation, variables: request.variables, ...(extensions ? { extensions } : {}) },
      {
        next: (value) => {
          for (const listener of upstream.listeners) listener.next(value as UpstreamEvent);
        },
        error: (err) => {
          release();
          this.finish(upstream);
          for (const listener of [...upstream.listeners]) listener.ended(describe(err));
        },
        complete: () => {
          release();
          // Completed because the last listener left: nobody to tell. Completed by the subgraph: tell them.
          const listeners = [...upstream.listeners];
          this.finish(upstream);
          for (const listener of listeners) listener.ended(undefined);
        },
      },
    );
  }

  private connectionFor(request: UpstreamRequest): [string, Connection] {
    const key = `${request.url}\u0000${request.vary}`;
    const existing = this.connections.get(key);
    if (existing && Date.now() - existing.openedAt < this.options.connectionMaxAgeMs) return [key, existing];
    const headers: Record<string, string> = {};
    const list = request.headers ?? [];
    for (let i = 0; i + 1 < list.length; i += 2) headers[list[i] as string] = list[i + 1] as string;
    const { maxMessageBytes, connectTimeoutMs, identityHeader } = this.options;
    // Browsers cannot set WebSocket headers, so subgraphs commonly read credentials from connection_init:
    // the identity token goes in both places.
    const identity = headers[identityHeader];
    class WebSocketWithHeaders extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols, { headers, maxPayload: maxMessageBytes, handshakeTimeout: connectTimeoutMs });
      }
    }
    const connection: Connection = {
      client: createClient({
        url: request.url,
        webSocketImpl: WebSocketWithHeaders,
        lazy: true,
        // The socket closes as soon as no subscription uses it.
        lazyCloseTimeout: 0,
        // An upstream that goes away ends its client subscriptions with a code; the clients resubscribe.
        retryAttempts: 0,
        connectionAckWaitTimeout: connectTimeoutMs,
        keepAlive: 15_000,
        connectionParams: identity ? { [identityHeader]: identity } : {},
      }),
      openedAt: Date.now(),
      users: 0,
    };
    // The previous connection of this key keeps the subscriptions it has and closes with its last one (lazy).
    this.connections.set(key, connection);
    return [key, connection];
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (Array.isArray(err)) return err.map((e) => (e && typeof e === 'object' && 'message' in e ? String((e as { message: unknown }).message) : String(e))).join('; ');
  if (err && typeof err === 'object' && 'code' in err) {
    const close = err as { code: unknown; reason?: unknown };
    return `connection closed (${String(close.code)}${close.reason ? `: ${String(close.reason)}` : ''})`;
  }
  return String(err);
}
