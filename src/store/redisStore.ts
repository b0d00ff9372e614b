import { Cluster } from 'ioredis';
import type { Logger } from '../observability';
import { RedisConnection } from './redisConnection';
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

const HEALTH_MESSAGES = {
  failing: 'store: Redis is failing, answering misses',
  stillFailing: 'store: Redis still unavailable',
  recovered: 'store: Redis answers again',
};

/** A view of the connection under a prefix; closing a view only ends that view. */
class RedisView implements Store {
  readonly kind = 'redis';
  private viewClosed = false;

  constructor(protected readonly connection: RedisConnection, private readonly prefix: string) {}

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
    super(new RedisConnection(options, logger, HEALTH_MESSAGES), options.keyPrefix ?? '');
  }

  /** Closes the connection; this store and all its views answer misses afterwards. */
  override async close(): Promise<void> {
    await super.close();
    await this.connection.close();
  }
}
