import Redis from 'ioredis';
import type { Review } from './data';
import { LocalFanOut, type ReviewFeed } from './feed';

export interface RedisFeedOptions {
  readonly url: string;
  /** Put before the channel name, so several deployments (or tests) can share one Redis. */
  readonly channelPrefix?: string;
}

export const DEFAULT_CHANNEL_PREFIX = 'junction:subgraphs:';
const CHANNEL = 'reviews:reviewAdded';
/** How long `start()` waits for Redis before the subgraph refuses to start. */
const CONNECT_TIMEOUT_MS = 5_000;

/**
 * Reviews shared by every replica through Redis pub/sub: a review posted to any replica reaches the
 * subscribers of all of them. Two connections, as a connection in subscriber mode cannot publish. A
 * replica's own reviews come back to it through Redis too, so each is delivered exactly once.
 */
export function createRedisFeed(options: RedisFeedOptions): ReviewFeed {
  const channel = `${options.channelPrefix ?? DEFAULT_CHANNEL_PREFIX}${CHANNEL}`;
  const connection = { lazyConnect: true, connectTimeout: CONNECT_TIMEOUT_MS, maxRetriesPerRequest: 1 };
  const publisher = new Redis(options.url, connection);
  const subscriber = new Redis(options.url, connection);
  const local = new LocalFanOut();
  // ioredis reconnects by itself; without a listener an 'error' event would crash the process.
  const logError = (error: Error): void => console.error(`reviews: Redis pub/sub: ${error.message}`);
  publisher.on('error', logError);
  subscriber.on('error', logError);
  subscriber.on('message', (from: string, message: string) => {
    if (from !== channel) return;
    const review = parseReview(message);
    if (review) local.deliver(review);
    else console.error('reviews: ignored a malformed reviewAdded message from Redis');
  });

  let stopped = false;
  return {
    async publish(review) {
      try {
        await publisher.publish(channel, JSON.stringify(review));
      } catch (error) {
        // The review is stored; failing the mutation because the notification failed would mislead.
        console.error(`reviews: could not publish review ${review.id}: ${(error as Error).message}`);
      }
    },
    subscribe: (productUpc) => local.subscribe(productUpc),
    get localSubscribers() {
      return local.size;
    },
    async start() {
      try {
        await Promise.all([publisher.connect(), subscriber.connect()]);
        await subscriber.subscribe(channel);
      } catch (error) {
        publisher.disconnect();
        subscriber.disconnect();
        throw new Error(`reviews: cannot subscribe to Redis for reviewAdded: ${(error as Error).message}`);
      }
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      local.closeAll();
      await Promise.allSettled([quit(publisher), quit(subscriber)]);
    },
  };
}

async function quit(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  try {
    await redis.quit();
  } catch {
    redis.disconnect();
  }
}

/** Messages on the channel are untrusted: anyone with access to the Redis can publish there. */
function parseReview(message: string): Review | undefined {
  let value: unknown;
  try {
    value = JSON.parse(message);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { id, body, authorId, productUpc } = value as Record<string, unknown>;
  if (typeof id !== 'string' || typeof body !== 'string' || typeof authorId !== 'string' || typeof productUpc !== 'string') {
    return undefined;
  }
  return { id, body, authorId, productUpc };
}
