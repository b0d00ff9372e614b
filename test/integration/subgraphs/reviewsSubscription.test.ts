import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { identityHeader } from '../../helpers/identity';
import { sharedRedisUrl, uniquePrefix } from '../../helpers/redis';
import { waitFor } from '../../helpers/waitFor';
import { startSubgraph, type RunningSubgraph, type SubgraphDataLayers } from '../../../subgraphs';
import { postGraphQL } from './helpers';

type Reviews = RunningSubgraph<SubgraphDataLayers['reviews']>;

interface AddedReview {
  id: string;
  body: string | null;
  author: { id: string } | null;
  product: { upc: string } | null;
}

const CREATE = `mutation ($input: CreateReviewInput!) { createReview(input: $input) { id } }`;
const REVIEW_ADDED = `subscription ($upc: ID) { reviewAdded(productUpc: $upc) { id body author { id } product { upc } } }`;

function wsUrl(subgraph: Reviews): string {
  return subgraph.url.replace(/^http/, 'ws');
}

/** A real graphql-ws client; everything it opened is closed by `closeAll`. */
const clients: Client[] = [];
function connect(subgraph: Reviews, connectionParams?: Record<string, unknown>): Client {
  const client = createClient({ url: wsUrl(subgraph), webSocketImpl: WebSocket, retryAttempts: 0, lazy: true, connectionParams });
  clients.push(client);
  return client;
}

interface Subscriber {
  readonly received: AddedReview[];
  readonly errors: unknown[];
  completed: boolean;
}

/** Subscribes and waits until the subgraph has registered the subscriber (`localSubscribers` reaches `expected`). */
async function subscribe(subgraph: Reviews, client: Client, upc: string | undefined, expected: number): Promise<Subscriber> {
  const subscriber: Subscriber = { received: [], errors: [], completed: false };
  client.subscribe<{ reviewAdded: AddedReview }>(
    { query: REVIEW_ADDED, variables: { upc } },
    {
      next: (result) => {
        if (result.errors) subscriber.errors.push(...result.errors);
        if (result.data) subscriber.received.push(result.data.reviewAdded);
      },
      error: (error) => subscriber.errors.push(error),
      complete: () => {
        subscriber.completed = true;
      },
    },
  );
  await waitFor(() => (subgraph.dataLayer.feed.localSubscribers >= expected ? true : undefined), `${expected} subscriber(s)`);
  return subscriber;
}

async function post(subgraph: Reviews, productUpc: string, body: string): Promise<string> {
  const res = await postGraphQL<{ createReview: { id: string } }>(subgraph.url, CREATE, { input: { productUpc, body } }, await identityHeader('7', 'reviews'));
  expect(res.errors).toBeUndefined();
  const id = res.data?.createReview.id;
  if (!id) throw new Error('createReview returned no id');
  return id;
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
});

describe('reviews subgraph: reviewAdded over graphql-ws', () => {
  let reviews: Reviews;
  beforeEach(async () => {
    reviews = await startSubgraph('reviews', { port: 0 });
  });
  afterEach(() => reviews.stop());

  it("delivers a review posted over HTTP to an anonymous subscriber of its product, and not another product's", async () => {
    const subscriber = await subscribe(reviews, connect(reviews), '3', 1);

    await post(reviews, '4', 'Other product.');
    const id = await post(reviews, '3', 'Love it.');

    await waitFor(() => (subscriber.received.length > 0 ? true : undefined), 'the review');
    // Posted in this order, so the other product's review would have arrived first had it been sent.
    expect(subscriber.received).toEqual([{ id, body: 'Love it.', author: { id: '7' }, product: { upc: '3' } }]);
    expect(subscriber.errors).toEqual([]);
  });

  it('delivers every review to a subscriber without productUpc, and each review to every subscriber', async () => {
    const a = await subscribe(reviews, connect(reviews), undefined, 1);
    const b = await subscribe(reviews, connect(reviews), undefined, 2);

    const first = await post(reviews, '1', 'One.');
    const second = await post(reviews, '2', 'Two.');

    await waitFor(() => (a.received.length >= 2 && b.received.length >= 2 ? true : undefined), 'both reviews on both sockets');
    expect(a.received.map((r) => r.id)).toEqual([first, second]);
    expect(b.received.map((r) => r.id)).toEqual([first, second]);
  });

  it('stops listening when the client unsubscribes or disconnects', async () => {
    const client = connect(reviews);
    await subscribe(reviews, client, undefined, 1);
    await client.dispose();
    await waitFor(() => (reviews.dataLayer.feed.localSubscribers === 0 ? true : undefined), 'the subscriber to be released');
  });

  it('keeps serving plain HTTP GraphQL on the same path', async () => {
    const res = await postGraphQL<{ __typename: string }>(reviews.url, '{ __typename }');
    expect(res).toEqual({ status: 200, data: { __typename: 'Query' } });
  });

  it('closes a socket that sends a frame larger than the body limit, with 1009 (message too big)', async () => {
    // graphql-ws logs the socket's error; expected here.
    const logged = jest.spyOn(console, 'error').mockImplementation(() => {});
    const small = await startSubgraph('reviews', { port: 0, maxBodyBytes: 1024 });
    const socket = new WebSocket(wsUrl(small), 'graphql-transport-ws');
    try {
      await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
      const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
      socket.send(JSON.stringify({ type: 'connection_init', payload: { pad: 'x'.repeat(2048) } }));
      expect(await closed).toBe(1009);
    } finally {
      logged.mockRestore();
      socket.terminate();
      await small.stop();
    }
  });
});

describe('reviews subgraph: reviewAdded across replicas (Redis pub/sub)', () => {
  it('delivers a review posted to replica A to a subscriber on replica B, once', async () => {
    const pubSub = { redisUrl: await sharedRedisUrl(), channelPrefix: uniquePrefix('reviews-sub') };
    const a = await startSubgraph('reviews', { port: 0, pubSub });
    const b = await startSubgraph('reviews', { port: 0, pubSub });
    try {
      const onB = await subscribe(b, connect(b), '5', 1);
      const onA = await subscribe(a, connect(a), '5', 1);

      const id = await post(a, '5', 'Seen everywhere.');

      await waitFor(() => (onB.received.length > 0 && onA.received.length > 0 ? true : undefined), 'the review on both replicas');
      expect(onB.received).toEqual([{ id, body: 'Seen everywhere.', author: { id: '7' }, product: { upc: '5' } }]);
      // A's own review comes back through Redis only: delivered once, not twice.
      const second = await post(a, '5', 'Again.');
      await waitFor(() => (onA.received.length >= 2 ? true : undefined), 'the second review on A');
      expect(onA.received.map((r) => r.id)).toEqual([id, second]);
    } finally {
      await Promise.all(clients.splice(0).map((c) => c.dispose()));
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});

describe('reviews subgraph: Redis unreachable at start', () => {
  it('refuses to start with a clear error instead of hanging', async () => {
    const logged = jest.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const started = startSubgraph('reviews', { port: 0, pubSub: { redisUrl: 'redis://127.0.0.1:1' } });
      // Should it start after all, stop it so the failure is the assertion, not a hanging worker.
      started.then((s) => s.stop(), () => {});
      await expect(started).rejects.toThrow(/reviews: cannot subscribe to Redis for reviewAdded/);
    } finally {
      logged.mockRestore();
    }
  });
});
