import type Redis from 'ioredis';
import { Cluster } from 'ioredis';
import { createRedisClient } from './redisClient';
import type { Logger } from '../observability';
import type { Store } from './store';

export interface RedisStoreOptions {
  /** redis:// or rediss:// URL of a single Redis (ignored when `cluster` lists nodes). @default redis://127.0.0.1:6379 */
  url?: string | undefined;
  /** Redis Cluster seed node URLs; their credentials and TLS apply to every node of the cluster. */
  cluster?: readonly string[];
  /** Prepended to every key. @default '' */
  keyPrefix?: string;
  /** A command slower than this answers a miss (or a failed write). */
  commandTimeoutMs: number;
  connectTimeoutMs: number;
  /** Retries of one command across a reconnection. */
  maxRetriesPerRequest: number;
}

const LOG_EVERY_MS = 10_000;
const QUIT_WAIT_MS = 500;


/** The client and its health, shared by a store and its scoped views. */
class Connection {
  readonly client: Redis | Cluster;
  closed = false;
  private started = false;
  private failing = false;
  private lastWarnAt = 0;
  private suppressed = 0;

  constructor(options: RedisStoreOptions, private readonly logger: Logger) {
    this.client = createRedisClient(options);
    if (this.client instanceof Cluster) this.client.on('node error', (err: Error) => this.connectionFailed(err));
    // Connection errors arrive as events; unheard, ioredis writes every one to stderr, unthrottled.
    this.client.on('error', (err: Error) => this.connectionFailed(err));
    this.client.on('ready', () => {
      this.started = true;
      this.succeeded();
    });
  }

  private connectionFailed(err: Error): void {
    this.started = true;
    this.failed(err);
  }

  /** Logs the first failure at once, then at most one line per LOG_EVERY_MS while failures go on. */
  failed(err: unknown): void {
    // Commands sent before the first connection attempt ends are refused; that is starting, not failing.
    if (this.closed || !this.started) return;
    const now = Date.now();
    const message = err instanceof Error ? err.message : String(err);
    if (!this.failing) {
      this.failing = true;
      this.lastWarnAt = now;
      this.suppressed = 0;
      this.logger.warn({ err: message }, 'store: Redis is failing, answering misses');
    } else if (now - this.lastWarnAt >= LOG_EVERY_MS) {
      this.logger.warn({ err: message, failuresSinceLastLine: this.suppressed + 1 }, 'store: Redis still unavailable');
      this.lastWarnAt = now;
      this.suppressed = 0;
    } else {
      this.suppressed++;
    }
  }

  succeeded(): void {
    if (!this.failing) return;
    this.failing = false;
    this.logger.info('store: Redis answers again');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // QUIT lets pending replies arrive, but is refused while disconnected (no offline queue) and may not answer.
    let timer: NodeJS.Timeout | undefined;
    const givenUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, QUIT_WAIT_MS)));
    await Promise.race([this.client.quit().catch(() => undefined), givenUp]);
    clearTimeout(timer);
    if (this.client.status !== 'end') this.client.disconnect();
  }
}

/** A view of the connection under a prefix; closing a view only ends that view. */
class RedisView implements Store {
  readonly kind = 'redis';
  private viewClosed = false;

  constructor(protected readonly connection: Connection, private readonly prefix: string) {}

  async get(key: string): Promise<string | undefined> {
    if (!this.open()) return undefined;
    try {
      const value = await this.connection.client.get(this.prefix + key);
      this.connection.succeeded();
      return value ?? undefined;
    } catch (err) {
      this.connection.failed(err);
      return undefined;
    }
  }

  async getMany(keys: readonly string[]): Promise<Array<string | undefined>> {
    if (!this.open() || keys.length === 0) return keys.map(() => undefined);
    const client = this.connection.client;
    const fullKeys = keys.map((key) => this.prefix + key);
    if (client instanceof Cluster) {
      // MGET fails with CROSSSLOT when keys hash to different slots: one GET each, routed by ioredis.
      return Promise.all(fullKeys.map((key) => this.getFull(client, key)));
    }
    try {
      const values = await client.mget(fullKeys);
      this.connection.succeeded();
      return values.map((value) => value ?? undefined);
    } catch (err) {
      this.connection.failed(err);
      return keys.map(() => undefined);
    }
  }

  async set(key: string, value: string, ttlMs: number): Promise<boolean> {
    if (!this.open() || !(ttlMs > 0)) return false;
    try {
      await this.connection.client.set(this.prefix + key, value, 'PX', Math.ceil(ttlMs));
      this.connection.succeeded();
      return true;
    } catch (err) {
      this.connection.failed(err);
      return false;
    }
  }

  async delete(keys: readonly string[]): Promise<boolean> {
    if (!this.open()) return false;
    if (keys.length === 0) return true;
    const client = this.connection.client;
    const fullKeys = keys.map((key) => this.prefix + key);
    try {
      // A multi-key DEL fails with CROSSSLOT on a cluster.
      if (client instanceof Cluster) await Promise.all(fullKeys.map((key) => client.del(key)));
      else await client.del(fullKeys);
      this.connection.succeeded();
      return true;
    } catch (err) {
      this.connection.failed(err);
      return false;
    }
  }

  available(): boolean {
    return this.open() && this.connection.client.status === 'ready';
  }

  scoped(prefix: string): Store {
    return new RedisView(this.connection, this.prefix + prefix);
  }

  async close(): Promise<void> {
    this.viewClosed = true;
  }

  private open(): boolean {
    return !this.viewClosed && !this.connection.closed;
  }

  private async getFull(client: Cluster, key: string): Promise<string | undefined> {
    try {
      const value = await client.get(key);
      this.connection.succeeded();
      return value ?? undefined;
    } catch (err) {
      this.connection.failed(err);
      return undefined;
    }
  }
}

/**
 * The shared store: one ioredis connection (or cluster) for every replica. Starting never waits for Redis;
 * while it is down or slow every command answers a miss within `commandTimeoutMs`, and the client reconnects
 * in the background. ioredis's own commandTimeout bounds every state (commands while disconnected fail at
 * once without an offline queue), so no timer of ours is needed.
 */
export class RedisStore extends RedisView {
  constructor(options: RedisStoreOptions, logger: Logger) {
    super(new Connection(options, logger), options.keyPrefix ?? '');
  }

  /** Closes the connection; this store and all its views answer misses afterwards. */
  override async close(): Promise<void> {
    await super.close();
    await this.connection.close();
  }
}
