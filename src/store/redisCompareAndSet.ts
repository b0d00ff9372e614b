import type Redis from 'ioredis';
import type { Cluster } from 'ioredis';
import type { Logger } from '../observability';
import type { CompareAndSetStore, Revisioned, StoredDocument } from './compareAndSet';

// Compare-and-set: the document and its revision change together, and every replica is told.
const WRITE_SCRIPT = `
local current = tonumber(redis.call('GET', KEYS[2]) or '0')
if current ~= tonumber(ARGV[2]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('SET', KEYS[2], ARGV[3])
redis.call('PUBLISH', KEYS[3], ARGV[3])
return 1`;

/**
 * With Redis: the document under `{<prefix><name>}:document` (its revision beside it), a compare-and-set
 * script, and a pub/sub channel that tells every replica at once; each replica also polls the revision every
 * `pollIntervalMs`, so a missed message (a subscriber reconnecting) costs at most that long.
 */
export class RedisCompareAndSet<T extends Revisioned> implements CompareAndSetStore<T> {
  private subscriber: Redis | Cluster | undefined;
  private poller: NodeJS.Timeout | undefined;
  private readonly keys: { document: string; revision: string; channel: string };

  constructor(
    private readonly client: Redis | Cluster,
    keyPrefix: string,
    private readonly name: string,
    private readonly document: StoredDocument<T>,
    private readonly pollIntervalMs: number,
    private readonly logger: Logger,
  ) {
    // One hash slot for the three keys (Redis Cluster runs a script on keys of one slot only).
    const tag = `{${keyPrefix}${name}}`;
    this.keys = { document: `${tag}:document`, revision: `${tag}:revision`, channel: `${tag}:changed` };
  }

  async read(): Promise<T> {
    const text = await this.client.get(this.keys.document);
    return text === null ? this.document.empty : this.document.parse(text, 'Redis');
  }

  async write(next: T, expected: number): Promise<boolean> {
    const written = await this.client.eval(WRITE_SCRIPT, 3, this.keys.document, this.keys.revision, this.keys.channel, JSON.stringify(next), String(expected), String(next.revision));
    return written === 1;
  }

  watch(onChange: () => void, seen: number): void {
    // The first poll compares with the revision the caller has: a write before the subscription is not lost.
    let last = seen;
    const poll = (): void => {
      void this.client.get(this.keys.revision).then(
        (stored) => {
          const revision = Number(stored ?? 0);
          if (revision !== last) onChange();
          last = revision;
        },
        () => undefined, // Redis away: the next poll tries again.
      );
    };
    poll();
    this.poller = setInterval(poll, this.pollIntervalMs);
    this.poller.unref();
    this.subscriber = this.client.duplicate();
    this.subscriber.on('error', (err: Error) => this.logger.debug({ err: err.message }, `${this.name}: subscriber connection problem`));
    this.subscriber.on('message', () => onChange());
    void this.subscriber.subscribe(this.keys.channel).catch(() => undefined);
  }

  async close(): Promise<void> {
    if (this.poller) clearInterval(this.poller);
    this.subscriber?.disconnect();
    this.client.disconnect();
  }
}
