import type Redis from 'ioredis';
import { Cluster } from 'ioredis';
import type { Logger } from '../observability';
import { createRedisClient, type RedisClientSettings } from './redisClient';

/** What a connection logs when Redis starts failing, goes on failing, and answers again. */
export interface RedisHealthMessages {
  failing: string;
  stillFailing: string;
  recovered: string;
}

const LOG_EVERY_MS = 10_000;
const QUIT_WAIT_MS = 500;

/**
 * One client from the one factory (`createRedisClient`) and its health, for a store backend (key/value,
 * counters): connection errors, which arrive as events (unheard, ioredis writes every one to stderr,
 * unthrottled), and failed commands the backend reports, are logged once at warn, then at most one line
 * per LOG_EVERY_MS while failures go on, and the recovery at info.
 */
export class RedisConnection {
  readonly client: Redis | Cluster;
  closed = false;
  private started = false;
  private failing = false;
  private lastWarnAt = 0;
  private suppressed = 0;

  constructor(settings: RedisClientSettings, private readonly logger: Logger, private readonly messages: RedisHealthMessages) {
    this.client = createRedisClient(settings);
    if (this.client instanceof Cluster) this.client.on('node error', (err: Error) => this.connectionFailed(err));
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
      this.logger.warn({ err: message }, this.messages.failing);
    } else if (now - this.lastWarnAt >= LOG_EVERY_MS) {
      this.logger.warn({ err: message, failuresSinceLastLine: this.suppressed + 1 }, this.messages.stillFailing);
      this.lastWarnAt = now;
      this.suppressed = 0;
    } else {
      this.suppressed++;
    }
  }

  succeeded(): void {
    if (!this.failing) return;
    this.failing = false;
    this.logger.info(this.messages.recovered);
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
