import { createClient as createSseClient } from 'graphql-sse';
import { startSubgraph, SUBGRAPH_NAMES, type RunningSubgraph, type SubgraphName } from '../../../subgraphs';
import { spawnCli } from '../../helpers/cli';
import { writeTemp } from '../../helpers/gateway';
import { devToken } from '../../helpers/identity';
import { sharedRedisUrl, uniquePrefix } from '../../helpers/redis';
import { waitFor } from '../../helpers/waitFor';
import { composeSubgraphs } from '../../../src/composition';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { closeClients, wsClient } from './wsClient';

const SUBSCRIPTION = 'subscription { reviewAdded(productUpc: "5") { id body product { name inStock } author { name } } }';

/**
 * Two gateway processes, each in front of its own replica of reviews (the replicas share events through Redis
 * pub/sub): a review posted through one gateway reaches the subscribers of both, once each; SIGTERM ends a
 * gateway's subscriptions with SHUTTING_DOWN and the process exits 0.
 */
describe('subscriptions across two gateway processes', () => {
  const started: Array<Pick<RunningSubgraph, 'stop'>> = [];
  const gateways: Array<ReturnType<typeof spawnCli>> = [];

  afterAll(async () => {
    await closeClients();
    for (const g of gateways) g.child.kill('SIGKILL');
    await Promise.allSettled(started.map((s) => s.stop()));
  });

  it('delivers one review to subscribers of both gateways, once each, and drains on SIGTERM', async () => {
    const pubSub = { redisUrl: await sharedRedisUrl(), channelPrefix: uniquePrefix('two-gateways') };
    const urls: Partial<Record<SubgraphName, string>> = {};
    for (const name of SUBGRAPH_NAMES) {
      if (name === 'reviews') continue;
      const subgraph = await startSubgraph(name, { port: 0, host: '127.0.0.1' });
      started.push(subgraph);
      urls[name] = subgraph.url;
    }
    const replicas = [await startSubgraph('reviews', { port: 0, host: '127.0.0.1', pubSub }), await startSubgraph('reviews', { port: 0, host: '127.0.0.1', pubSub })];
    started.push(...replicas);
    const urlsFor = replicas.map((replica) => {
      const composed = composeSubgraphs(
        SUBGRAPH_NAMES.map((name) => ({ name, url: name === 'reviews' ? replica.url : (urls[name] as string), sdl: readFileSync(join(__dirname, '../../../subgraphs', name, 'schema.graphql'), 'utf8') })),
      );
      if (!composed.ok) throw new Error(JSON.stringify(composed.errors));
      const cli = spawnCli(['serve', '--supergraph', writeTemp('supergraph.graphql', composed.supergraphSdl), '--port', '0', '--host', '127.0.0.1'], { LOG_LEVEL: 'warn' });
      gateways.push(cli);
      return waitFor(() => /listening on (http:\S+)/.exec(cli.output())?.[1], 'the gateway to listen', 30_000);
    });
    const [urlA, urlB] = (await Promise.all(urlsFor)) as [string, string];

    // A WebSocket client on gateway A, an SSE client on gateway B.
    const onA: unknown[] = [];
    const onB: unknown[] = [];
    wsClient(urlA).subscribe({ query: SUBSCRIPTION }, { next: (e) => void onA.push(e), error: (e) => void onA.push({ error: e }), complete: () => undefined });
    const sse = createSseClient({ url: urlB, singleConnection: false, retryAttempts: 0 });
    let sseCompleted = false;
    sse.subscribe({ query: SUBSCRIPTION }, { next: (e) => void onB.push(e), error: (e) => void onB.push({ error: String(e) }), complete: () => (sseCompleted = true) });
    await waitFor(() => (replicas[0]?.dataLayer.feed.localSubscribers === 1 && replicas[1]?.dataLayer.feed.localSubscribers === 1 ? true : undefined), 'one upstream at each replica');

    const token = await devToken('2');
    const posted = await fetch(urlA, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: 'mutation { createReview(input: { productUpc: "5", body: "seen by both" }) { id } }' }),
    });
    expect(await posted.json()).toMatchObject({ data: { createReview: { id: expect.any(String) } } });
    const event = { data: { reviewAdded: { id: expect.any(String), body: 'seen by both', product: { name: expect.any(String), inStock: expect.any(Boolean) }, author: { name: expect.any(String) } } } };
    await waitFor(() => (onA.length >= 1 && onB.length >= 1 ? true : undefined), 'the event at both gateways');
    // Once each: nothing more arrives (a second review proves the streams are still live and in order).
    await fetch(urlA, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: 'mutation { createReview(input: { productUpc: "5", body: "second" }) { id } }' }),
    });
    await waitFor(() => (onA.length >= 2 && onB.length >= 2 ? true : undefined), 'the second event at both gateways');
    const second = { data: { reviewAdded: { ...event.data.reviewAdded, body: 'second' } } };
    expect(onA).toEqual([event, second]);
    expect(onB).toEqual([event, second]);

    // SIGTERM on gateway B: its subscriber is told SHUTTING_DOWN, the stream completes, the process exits 0.
    const b = gateways[1] as ReturnType<typeof spawnCli>;
    b.child.kill('SIGTERM');
    expect(await b.exited).toBe(0);
    await waitFor(() => (sseCompleted ? true : undefined), 'the SSE stream to complete');
    expect(onB[2]).toEqual({ errors: [{ message: expect.any(String), extensions: { code: 'SHUTTING_DOWN' } }] });
    await waitFor(() => (replicas[1]?.dataLayer.feed.localSubscribers === 0 ? true : undefined), 'gateway B\'s upstream closed');
    expect(replicas[0]?.dataLayer.feed.localSubscribers).toBe(1);
  }, 60_000);
});
