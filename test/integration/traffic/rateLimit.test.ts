import Redis from 'ioredis';
import { postGraphQL, startGatewayFor, type GraphQLResult, type TestGateway } from '../../helpers/gateway';
import { devToken } from '../../helpers/identity';
import { sharedRedisUrl, startPrivateRedis, uniquePrefix, type PrivateRedis } from '../../helpers/redis';
import { startTestSubgraph, type TestSubgraph } from '../../helpers/subgraph';
import { waitFor } from '../../helpers/waitFor';

const fed = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@listSize"])';
const SDL = `${fed}
  type Query {
    items(first: Int!): [Item!]! @listSize(slicingArguments: ["first"])
    hello: String
  }
  type Item { id: ID! }`;

const HELLO = '{ hello }';
/** Estimated cost: `first` items × 1 each. */
const itemsQuery = (first: number) => `{ items(first: ${first}) { id } }`;

const on = (yaml: string) => `rateLimit:\n  enabled: true\n${yaml}`;
const bearer = async (sub: string) => ({ authorization: `Bearer ${await devToken(sub)}` });
const codeOf = (res: GraphQLResult) => res.body.errors?.[0]?.extensions?.code;
const rateLimitOf = (res: GraphQLResult) => ({
  limit: res.headers.get('ratelimit-limit'),
  remaining: res.headers.get('ratelimit-remaining'),
  reset: Number(res.headers.get('ratelimit-reset')),
});

describe('rate limiting', () => {
  let subgraph: TestSubgraph;
  const gateways: TestGateway[] = [];
  const start = async (yaml: string): Promise<TestGateway> => {
    const gateway = await startGatewayFor([subgraph], yaml);
    gateways.push(gateway);
    return gateway;
  };

  beforeAll(async () => {
    subgraph = await startTestSubgraph('s', SDL, {
      Query: {
        items: (_: unknown, args: { first: number }) => Array.from({ length: args.first }, (_x, i) => ({ id: String(i) })),
        hello: () => 'world',
      },
    });
  });
  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.stop()));
    await subgraph.stop();
  });

  describe('request counts', () => {
    it('allows a client its requests per window, then answers 429 RATE_LIMITED with Retry-After and RateLimit-* headers', async () => {
      const gateway = await start(on('  windowSec: 60\n  perClient:\n    requests: 3\n'));
      const alice = await bearer('alice');
      for (const remaining of ['2', '1', '0']) {
        const res = await gateway.post(HELLO, undefined, alice);
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ data: { hello: 'world' } });
        expect(rateLimitOf(res)).toEqual({ limit: '3', remaining, reset: expect.any(Number) });
        expect(rateLimitOf(res).reset).toBeGreaterThan(0);
        expect(rateLimitOf(res).reset).toBeLessThanOrEqual(60);
      }
      const calls = subgraph.requests.length;
      const refused = await gateway.post(HELLO, undefined, alice);
      expect(refused.status).toBe(429);
      expect(refused.body).toEqual({
        errors: [{ message: expect.stringMatching(/^Rate limit reached: 3 requests per 60 s for this client\. Retry after \d+ s\.$/), extensions: { code: 'RATE_LIMITED' } }],
      });
      const retryAfter = Number(refused.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(rateLimitOf(refused)).toMatchObject({ limit: '3', remaining: '0' });
      expect(subgraph.requests.length).toBe(calls);

      // Another principal, and an anonymous caller (keyed by its IP), have budgets of their own.
      expect((await gateway.post(HELLO, undefined, await bearer('bob'))).status).toBe(200);
      expect((await gateway.post(HELLO)).status).toBe(200);
    });

    it('keys clients by an API-key header when configured', async () => {
      const gateway = await start(on('  clientKey: ["header:x-api-key", "ip"]\n  perClient:\n    requests: 2\n'));
      const keyA = { 'x-api-key': 'key-a' };
      expect((await gateway.post(HELLO, undefined, keyA)).status).toBe(200);
      expect((await gateway.post(HELLO, undefined, keyA)).status).toBe(200);
      expect(codeOf(await gateway.post(HELLO, undefined, keyA))).toBe('RATE_LIMITED');
      expect((await gateway.post(HELLO, undefined, { 'x-api-key': 'key-b' })).status).toBe(200);
    });

    it('shares a global limit among all clients', async () => {
      const gateway = await start(on('  perClient:\n    requests: 0\n  global:\n    requests: 4\n'));
      for (const sub of ['alice', 'alice', 'bob', 'carol']) expect((await gateway.post(HELLO, undefined, await bearer(sub))).status).toBe(200);
      const refused = await gateway.post(HELLO, undefined, await bearer('dave'));
      expect(refused.status).toBe(429);
      expect(refused.body.errors?.[0]?.message).toMatch(/^Rate limit reached: 4 requests per 60 s for all clients together\./);
      expect(rateLimitOf(refused)).toMatchObject({ limit: '4', remaining: '0' });
    });

    it('counts a batch as its number of operations', async () => {
      const gateway = await start(`limits:\n  batching:\n    enabled: true\n${on('  perClient:\n    requests: 3\n')}`);
      const batch = [{ query: HELLO }, { query: HELLO }];
      const first = await postGraphQL(gateway.url, batch);
      expect(first.status).toBe(200);
      expect(rateLimitOf(first)).toMatchObject({ limit: '3', remaining: '1' });
      const second = await postGraphQL(gateway.url, batch);
      expect(second.status).toBe(429);
      expect(codeOf(second)).toBe('RATE_LIMITED');
      // The refused batch spent nothing: one operation still fits.
      expect((await gateway.post(HELLO)).status).toBe(200);
    });

    it('believes X-Forwarded-For only from a trusted proxy', async () => {
      const proxied = await start(on('  clientKey: [ip]\n  trustedProxies: ["127.0.0.1"]\n  perClient:\n    requests: 1\n'));
      const xff = (value: string) => ({ 'x-forwarded-for': value });
      expect((await proxied.post(HELLO, undefined, xff('198.51.100.1'))).status).toBe(200);
      expect((await proxied.post(HELLO, undefined, xff('198.51.100.1'))).status).toBe(429);
      expect((await proxied.post(HELLO, undefined, xff('198.51.100.2'))).status).toBe(200);
      // What the client wrote itself (left of what our proxy added) changes nothing.
      expect((await proxied.post(HELLO, undefined, xff('203.0.113.77, 198.51.100.1'))).status).toBe(429);

      // The same header from a peer that is not a trusted proxy is ignored: every request is 127.0.0.1.
      const direct = await start(on('  clientKey: [ip]\n  perClient:\n    requests: 1\n'));
      expect((await direct.post(HELLO, undefined, xff('198.51.100.1'))).status).toBe(200);
      expect((await direct.post(HELLO, undefined, xff('198.51.100.2'))).status).toBe(429);
    });
  });

  describe('cost budgets', () => {
    it('spends the estimated cost: an expensive operation takes more of the budget, and a cheap one still fits', async () => {
      const gateway = await start(on('  perClient:\n    requests: 600\n    cost: 100\n'));
      const alice = await bearer('alice');
      const first = await gateway.post(itemsQuery(40), undefined, alice);
      expect(first.status).toBe(200);
      expect((first.body.data as { items: unknown[] }).items).toHaveLength(40);
      // The cost budget (60 of 100 left) is closer to exhaustion than the request count (599 of 600).
      expect(rateLimitOf(first)).toMatchObject({ limit: '100', remaining: '60' });
      expect((await gateway.post(itemsQuery(40), undefined, alice)).status).toBe(200);

      const calls = subgraph.requests.length;
      const refused = await gateway.post(itemsQuery(40), undefined, alice);
      expect(refused.status).toBe(429);
      expect(refused.body).toEqual({
        errors: [
          {
            message: expect.stringMatching(/^Rate limit reached: estimated cost 100 per 60 s for this client; this operation costs 40 and 20 is left\. Retry after \d+ s\.$/),
            extensions: { code: 'RATE_LIMITED' },
          },
        ],
      });
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(rateLimitOf(refused)).toMatchObject({ limit: '100', remaining: '20' });
      expect(subgraph.requests.length).toBe(calls);

      const cheap = await gateway.post(itemsQuery(1), undefined, alice);
      expect(cheap.status).toBe(200);
      expect(rateLimitOf(cheap)).toMatchObject({ limit: '100', remaining: '19' });
      // An operation that costs nothing reports the request count.
      expect(rateLimitOf(await gateway.post(HELLO, undefined, alice))).toMatchObject({ limit: '600', remaining: '595' });
      // Bob's budget is his own.
      expect((await gateway.post(itemsQuery(40), undefined, await bearer('bob'))).status).toBe(200);
    });

    it('shares a global cost budget among clients', async () => {
      const gateway = await start(on('  perClient:\n    requests: 0\n  global:\n    cost: 50\n'));
      expect((await gateway.post(itemsQuery(30), undefined, await bearer('alice'))).status).toBe(200);
      const refused = await gateway.post(itemsQuery(30), undefined, await bearer('bob'));
      expect(refused.status).toBe(429);
      expect(refused.body.errors?.[0]?.message).toMatch(/estimated cost 50 per 60 s for all clients together/);
      expect((await gateway.post(itemsQuery(20), undefined, await bearer('bob'))).status).toBe(200);
    });
  });

  describe('through Redis', () => {
    /** Waits until `gateway` counts in Redis (before its connection is ready it counts in memory). */
    const countsInRedis = async (gateway: TestGateway, redisUrl: string, prefix: string, probe: string): Promise<void> => {
      const redis = new Redis(redisUrl);
      try {
        const headers = await bearer(probe);
        await waitFor(async () => {
          await gateway.post(HELLO, undefined, headers);
          return (await redis.exists(`${prefix}rl:requests:client:sub:${probe}`)) === 1 ? true : undefined;
        }, `${probe} to count in Redis`);
      } finally {
        redis.disconnect();
      }
    };

    it('shares budgets between two gateways on one Redis: requests on A count on B', async () => {
      const url = await sharedRedisUrl();
      const prefix = uniquePrefix('rate-limit');
      const yaml = `store:\n  backend: redis\n  keyPrefix: "${prefix}"\n  redis:\n    url: ${url}\n${on('  perClient:\n    requests: 1000\n    cost: 100\n')}`;
      const a = await start(yaml);
      const b = await start(yaml);
      await countsInRedis(a, url, prefix, 'probe-a');
      await countsInRedis(b, url, prefix, 'probe-b');
      const alice = await bearer('alice');
      expect((await a.post(itemsQuery(40), undefined, alice)).status).toBe(200);
      expect((await a.post(itemsQuery(40), undefined, alice)).status).toBe(200);
      const onB = await b.post(itemsQuery(40), undefined, alice);
      expect(onB.status).toBe(429);
      expect(rateLimitOf(onB)).toMatchObject({ limit: '100', remaining: '20' });
      expect(rateLimitOf(await b.post(itemsQuery(20), undefined, alice))).toMatchObject({ limit: '100', remaining: '0' });
      expect(rateLimitOf(await a.post(HELLO, undefined, alice))).toMatchObject({ limit: '1000', remaining: '995' });
    });

    describe('Redis stopped during a stream of requests', () => {
      let redis: PrivateRedis;
      let gateway: TestGateway;
      const prefix = uniquePrefix('rate-limit-outage');

      beforeAll(async () => {
        redis = await startPrivateRedis();
        gateway = await start(`store:\n  backend: redis\n  keyPrefix: "${prefix}"\n  redis:\n    url: ${redis.url}\n    commandTimeoutMs: 200\n${on('  perClient:\n    requests: 50\n')}`);
        await countsInRedis(gateway, redis.url, prefix, 'probe-before');
      });
      afterAll(() => redis?.stop());

      it('fails no request, keeps limiting per process, and shares counters again once Redis is back', async () => {
        // Forty clients in turn, four requests at a time: none comes near its 50 requests.
        const tokens = await Promise.all(Array.from({ length: 40 }, (_x, i) => bearer(`stream-${i}`)));
        let served = 0;
        let failures = 0;
        let firstFailure: unknown;
        let running = true;
        const client = async (offset: number) => {
          for (let n = offset; running; n += 4) {
            const res = await gateway.post(HELLO, undefined, tokens[n % tokens.length]);
            served++;
            if (res.status !== 200 || JSON.stringify(res.body) !== '{"data":{"hello":"world"}}') {
              failures++;
              firstFailure ??= { status: res.status, body: res.body };
            }
          }
        };
        const clients = [0, 1, 2, 3].map(client);
        try {
          await waitFor(() => (served > 40 ? true : undefined), 'traffic while Redis is up');
          await redis.stop();
          const atStop = served;
          await waitFor(() => (served > atStop + 80 ? true : undefined), 'traffic while Redis is down');

          // Still limited while Redis is down, in this process's memory.
          const limited = await bearer('limited');
          for (let i = 0; i < 50; i++) expect((await gateway.post(HELLO, undefined, limited)).status).toBe(200);
          const refused = await gateway.post(HELLO, undefined, limited);
          expect(refused.status).toBe(429);
          expect(codeOf(refused)).toBe('RATE_LIMITED');

          await redis.start();
          await countsInRedis(gateway, redis.url, prefix, 'probe-after');
          const atRestart = served;
          await waitFor(() => (served > atRestart + 40 ? true : undefined), 'traffic after Redis is back');
        } finally {
          running = false;
          await Promise.all(clients);
        }
        expect({ failures, firstFailure }).toEqual({ failures: 0, firstFailure: undefined });
      });
    });
  });
});
