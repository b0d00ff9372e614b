import type { Review } from '../../../subgraphs/reviews/data';
import { LocalFanOut, MAX_QUEUED_REVIEWS, createInProcessFeed } from '../../../subgraphs/reviews/feed';
import { subscriptionHeaders } from '../../../subgraphs/common/subscriptions';

function review(id: number, productUpc = '1'): Review {
  return { id: String(id), body: `review ${id}`, authorId: '1', productUpc };
}

async function drain(iterator: AsyncIterator<Review>): Promise<string[]> {
  const ids: string[] = [];
  for (;;) {
    const next = await iterator.next();
    if (next.done) return ids;
    ids.push(next.value.id);
  }
}

describe('review feed (in-process)', () => {
  it('delivers to a waiting subscriber, filtered by product upc', async () => {
    const feed = createInProcessFeed();
    const forOne = feed.subscribe('1');
    const pending = forOne.next();
    await feed.publish(review(1, '2'));
    await feed.publish(review(2, '1'));
    expect(await pending).toEqual({ value: review(2, '1'), done: false });
    await feed.stop();
  });

  it(`bounds a slow subscriber's queue (${MAX_QUEUED_REVIEWS} by default, 3 here): on overflow it delivers what waits, then completes`, async () => {
    const local = new LocalFanOut();
    const slow = local.subscribe(undefined, 3);
    for (let i = 1; i <= 5; i++) local.deliver(review(i));
    expect(local.size).toBe(0);
    expect(await drain(slow)).toEqual(['1', '2', '3']);
  });

  it('stops counting a subscriber once it returns (unsubscribe or disconnect)', async () => {
    const feed = createInProcessFeed();
    const iterator = feed.subscribe();
    expect(feed.localSubscribers).toBe(1);
    await iterator.return?.();
    expect(feed.localSubscribers).toBe(0);
    await feed.publish(review(1));
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
  });

  it('ends every subscription on stop', async () => {
    const feed = createInProcessFeed();
    const pending = feed.subscribe().next();
    await feed.stop();
    expect(await pending).toEqual({ value: undefined, done: true });
  });
});

describe('subscriptionHeaders (identity for graphql-ws)', () => {
  it('takes the identity token from the connection_init payload over the upgrade header', () => {
    expect(subscriptionHeaders({ host: 'h', 'x-junction-identity': 'from-header' }, { 'x-junction-identity': 'from-init' })).toEqual({
      host: 'h',
      'x-junction-identity': 'from-init',
    });
  });

  it('keeps the upgrade headers when the payload has no string token', () => {
    expect(subscriptionHeaders({ 'x-junction-identity': 'from-header' }, { 'x-junction-identity': 42 })).toEqual({ 'x-junction-identity': 'from-header' });
    expect(subscriptionHeaders({}, undefined)).toEqual({});
    expect(subscriptionHeaders({}, 'junk')).toEqual({});
  });
});
