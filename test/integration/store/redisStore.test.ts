import Redis from 'ioredis';
import { RedisStore, type RedisStoreOptions } from '../../../src/store/redisStore';
import { captureLogs } from '../../helpers/logCapture';
import { sharedRedisUrl, startPrivateRedis, startPrivateRedisCluster, uniquePrefix } from '../../helpers/redis';
import { waitFor } from '../../helpers/waitFor';

const COMMAND_TIMEOUT_MS = 250;
// A bound on hanging, not a performance target: a miss must come back about when the command times out.
const MISS_WITHIN_MS = 1000;

const stores: RedisStore[] = [];
const clients: Redis[] = [];

function storeOn(options: Partial<RedisStoreOptions>, logs = captureLogs()): RedisStore {
  const store = new RedisStore({ commandTimeoutMs: COMMAND_TIMEOUT_MS, connectTimeoutMs: 1000, maxRetriesPerRequest: 1, keyPrefix: uniquePrefix('redisStore'), ...options }, logs.logger);
  stores.push(store);
  return store;
}

function rawClient(url: string): Redis {
  const client = new Redis(url);
  clients.push(client);
  return client;
}

async function connected(store: RedisStore): Promise<void> {
  await waitFor(() => store.available() || undefined, 'the store to connect');
}

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await run();
  return { value, ms: Date.now() - started };
}

afterEach(() => jest.restoreAllMocks());
afterAll(async () => {
  await Promise.all(stores.map((store) => store.close()));
  for (const client of clients) client.disconnect();
});

describe('RedisStore on a running Redis', () => {
  let url: string;
  beforeAll(async () => {
    url = await sharedRedisUrl();
  });

  it('round-trips values through set, get, getMany and delete, under its key prefix', async () => {
    const keyPrefix = uniquePrefix('roundTrip');
    const store = storeOn({ url, keyPrefix });
    await connected(store);
    expect(store.kind).toBe('redis');
    expect(await store.set('a', '1', 60_000)).toBe(true);
    expect(await store.set('ключ ✓', 'ünïcødé 🚀', 60_000)).toBe(true);
    expect(await store.get('a')).toBe('1');
    expect(await store.get('missing')).toBeUndefined();
    expect(await store.getMany(['ключ ✓', 'missing', 'a'])).toEqual(['ünïcødé 🚀', undefined, '1']);
    expect(await store.getMany([])).toEqual([]);
    expect(await rawClient(url).get(`${keyPrefix}a`)).toBe('1');
    expect(await store.delete(['a', 'missing'])).toBe(true);
    expect(await store.getMany(['a', 'ключ ✓'])).toEqual([undefined, 'ünïcødé 🚀']);
  });

  it('stores values with a PX expiry and answers a miss once it has passed', async () => {
    const keyPrefix = uniquePrefix('ttl');
    const store = storeOn({ url, keyPrefix });
    await connected(store);
    expect(await store.set('k', 'v', 60)).toBe(true);
    const pttl = await rawClient(url).pttl(`${keyPrefix}k`);
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(60);
    expect(await store.get('k')).toBe('v');
    await waitFor(async () => ((await store.get('k')) === undefined ? true : undefined), 'the key to expire', 2000);
  });

  it('keeps scoped views apart, composing their prefixes', async () => {
    const keyPrefix = uniquePrefix('scoped');
    const store = storeOn({ url, keyPrefix });
    await connected(store);
    const one = store.scoped('one:');
    const two = store.scoped('two:');
    await one.set('k', '1', 60_000);
    await two.set('k', '2', 60_000);
    await one.scoped('inner:').set('k', '3', 60_000);
    expect(await one.get('k')).toBe('1');
    expect(await two.getMany(['k'])).toEqual(['2']);
    expect(await store.getMany(['k', 'one:k', 'one:inner:k'])).toEqual([undefined, '1', '3']);
    expect(await rawClient(url).get(`${keyPrefix}one:inner:k`)).toBe('3');
    await two.close();
    expect(await two.get('k')).toBeUndefined();
    expect(await one.get('k')).toBe('1');
  });

  it('answers misses after close', async () => {
    const logs = captureLogs();
    const store = storeOn({ url }, logs);
    await connected(store);
    await store.set('k', 'v', 60_000);
    await store.close();
    expect(await store.get('k')).toBeUndefined();
    expect(await store.set('k', 'v', 60_000)).toBe(false);
    expect(store.available()).toBe(false);
    expect(logs.lines.filter((line) => line.level === 40)).toEqual([]);
  });
});

describe('RedisStore when Redis fails', () => {
  it('answers misses within the command timeout while Redis is down, then reconnects by itself', async () => {
    const unhandled = jest.spyOn(console, 'error');
    const redis = await startPrivateRedis();
    const logs = captureLogs();
    const store = storeOn({ url: redis.url }, logs);
    await connected(store);
    expect(await store.set('before', 'v', 60_000)).toBe(true);

    await redis.stop();
    const calls: Array<[() => Promise<unknown>, unknown]> = [
      [() => store.get('before'), undefined],
      [() => store.getMany(['before', 'other']), [undefined, undefined]],
      [() => store.set('k', 'v', 60_000), false],
      [() => store.delete(['k']), false],
    ];
    for (const [call, miss] of calls) {
      const { value, ms } = await timed(call);
      expect(value).toEqual(miss);
      expect(ms).toBeLessThan(MISS_WITHIN_MS);
    }
    await waitFor(() => (store.available() ? undefined : true), 'the store to notice');
    expect(logs.lines.filter((line) => line.level === 40).map((line) => line.msg)).toEqual(['store: Redis is failing, answering misses']);

    await redis.start();
    await waitFor(async () => (await store.set('after', 'v', 60_000)) || undefined, 'the store to reconnect');
    expect(await store.get('after')).toBe('v');
    expect(store.available()).toBe(true);
    expect(logs.lines.some((line) => line.level === 30 && line.msg === 'store: Redis answers again')).toBe(true);
    expect(unhandled).not.toHaveBeenCalled();
  });

  it('starts without waiting for a Redis that is down, logs why, and connects when it comes up', async () => {
    const unhandled = jest.spyOn(console, 'error');
    const redis = await startPrivateRedis();
    await redis.stop();
    const logs = captureLogs();
    const store = storeOn({ url: redis.url }, logs);
    const { value, ms } = await timed(() => store.get('k'));
    expect(value).toBeUndefined();
    expect(ms).toBeLessThan(MISS_WITHIN_MS);
    const warning = await waitFor(() => logs.lines.find((line) => line.level === 40), 'a warning');
    expect(warning).toMatchObject({ msg: 'store: Redis is failing, answering misses', err: expect.stringContaining('ECONNREFUSED') });

    await redis.start();
    await waitFor(async () => (await store.set('k', 'v', 60_000)) || undefined, 'the store to connect');
    expect(await store.get('k')).toBe('v');
    expect(logs.lines.filter((line) => line.level === 40)).toHaveLength(1);
    expect(unhandled).not.toHaveBeenCalled();
  });

  it('does not warn about commands sent while it is still connecting', async () => {
    const url = await sharedRedisUrl();
    const logs = captureLogs();
    const store = storeOn({ url }, logs);
    expect(await store.get('k')).toBeUndefined();
    await connected(store);
    expect(await store.set('k', 'v', 60_000)).toBe(true);
    expect(logs.lines).toEqual([]);
  });

  it('answers a miss within the command timeout while Redis is too slow', async () => {
    const redis = await startPrivateRedis();
    const store = storeOn({ url: redis.url });
    await connected(store);
    await store.set('k', 'v', 60_000);
    expect(await rawClient(redis.url).call('CLIENT', 'PAUSE', '1000')).toBe('OK');
    const { value, ms } = await timed(() => store.get('k'));
    expect(value).toBeUndefined();
    expect(ms).toBeGreaterThanOrEqual(COMMAND_TIMEOUT_MS - 10);
    expect(ms).toBeLessThan(MISS_WITHIN_MS);
    await waitFor(async () => (await store.get('k')) ?? undefined, 'Redis to answer again');
  });

  it('closes promptly while Redis is down', async () => {
    const redis = await startPrivateRedis();
    const store = storeOn({ url: redis.url });
    await connected(store);
    await redis.stop();
    const { ms } = await timed(() => store.close());
    expect(ms).toBeLessThan(MISS_WITHIN_MS);
    expect(await store.get('k')).toBeUndefined();
  });
});

describe('RedisStore on a Redis Cluster', () => {
  it('reads and deletes keys that live in different slots', async () => {
    const cluster = await startPrivateRedisCluster();
    try {
      const store = storeOn({ cluster: cluster.urls });
      await connected(store);
      const keys = Array.from({ length: 20 }, (_, i) => `key-${i}`);
      for (const key of keys) expect(await store.set(key, `value of ${key}`, 60_000)).toBe(true);
      expect(await store.getMany([...keys, 'missing'])).toEqual([...keys.map((key) => `value of ${key}`), undefined]);
      expect(await store.scoped('other:').getMany(keys.slice(0, 2))).toEqual([undefined, undefined]);
      expect(await store.delete(keys)).toBe(true);
      expect(await store.getMany(keys)).toEqual(keys.map(() => undefined));
      await store.close();
    } finally {
      await cluster.stop();
    }
  });
});
