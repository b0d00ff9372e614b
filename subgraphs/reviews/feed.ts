import type { Review } from './review';

/**
 * How many new reviews one subscriber may have waiting (not yet sent to its socket). Unbounded
 * buffering is a memory leak: a subscriber that reads slower than reviews are posted (or a client that
 * stops reading) would grow its queue for ever. On overflow the subscription completes — after the
 * queued reviews are delivered — so the client learns it fell behind and can resubscribe, rather than
 * silently missing reviews.
 */
export const MAX_QUEUED_REVIEWS = 100;

/** The stream of reviews posted from now on: `createReview` publishes, `reviewAdded` subscribers read. */
export interface ReviewFeed {
  /** Delivers the review to every subscriber (on every replica, when the feed is shared). Never throws. */
  publish(review: Review): Promise<void>;
  /** Reviews published after this call, only those about `productUpc` when given. */
  subscribe(productUpc?: string): AsyncIterableIterator<Review>;
  /** Subscribers of this process that are still listening (tests wait on it). */
  readonly localSubscribers: number;
  /** Ready to deliver (a shared feed has subscribed to its channel). */
  start(): Promise<void>;
  /** Ends every subscription and releases connections. */
  stop(): Promise<void>;
}

/** The subscribers of one process; in-process and shared feeds both fan out through it. */
export class LocalFanOut {
  private readonly subscribers = new Set<ReviewSubscription>();

  get size(): number {
    return this.subscribers.size;
  }

  deliver(review: Review): void {
    for (const subscriber of this.subscribers) subscriber.offer(review);
  }

  subscribe(productUpc: string | undefined, maxQueued = MAX_QUEUED_REVIEWS): AsyncIterableIterator<Review> {
    const subscription = new ReviewSubscription(productUpc, maxQueued, () => this.subscribers.delete(subscription));
    this.subscribers.add(subscription);
    return subscription;
  }

  closeAll(): void {
    for (const subscriber of this.subscribers) subscriber.close();
  }
}

/** One subscriber's bounded queue, read as an async iterator (what graphql `subscribe` consumes). */
class ReviewSubscription implements AsyncIterableIterator<Review> {
  private readonly queue: Review[] = [];
  private waiting: ((result: IteratorResult<Review>) => void) | undefined;
  private closed = false;

  constructor(
    private readonly productUpc: string | undefined,
    private readonly maxQueued: number,
    private readonly onClose: () => void,
  ) {}

  offer(review: Review): void {
    if (this.closed || (this.productUpc !== undefined && review.productUpc !== this.productUpc)) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value: review, done: false });
    } else if (this.queue.length >= this.maxQueued) {
      this.close();
    } else {
      this.queue.push(review);
    }
  }

  /** Stops taking reviews; what is queued is still delivered, then the iterator ends. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
    const resolve = this.waiting;
    this.waiting = undefined;
    resolve?.({ value: undefined, done: true });
  }

  next(): Promise<IteratorResult<Review>> {
    const review = this.queue.shift();
    if (review) return Promise.resolve({ value: review, done: false });
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  /** Called when the client unsubscribes or disconnects. */
  return(): Promise<IteratorResult<Review>> {
    this.queue.length = 0;
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error?: unknown): Promise<IteratorResult<Review>> {
    this.queue.length = 0;
    this.close();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<Review> {
    return this;
  }
}

/** The default: subscribers on this process see reviews posted to this process. */
export function createInProcessFeed(): ReviewFeed {
  const local = new LocalFanOut();
  return {
    publish: async (review) => local.deliver(review),
    subscribe: (productUpc) => local.subscribe(productUpc),
    get localSubscribers() {
      return local.size;
    },
    start: async () => {},
    stop: async () => local.closeAll(),
  };
}
