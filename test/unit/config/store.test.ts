import { createStore, MemoryStore } from '../../../src/store';
import { RedisStore } from '../../../src/store/redisStore';
import { entryBytes } from '../../../src/store/memoryStore';
import { loadConfig, type Environment, type JunctionConfig } from '../../../src/config';
import { createLogger } from '../../../src/observability';
import { writeTemp } from '../../helpers/gateway';

function storeConfig(yaml: string | undefined, env: Environment): JunctionConfig['store'] {
  const result = loadConfig({ file: yaml === undefined ? undefined : writeTemp('gateway.yaml', yaml), env });
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return result.value.store;
}

function problemsOf(yaml: string | undefined, env: Environment): string[] {
  const result = loadConfig({ file: yaml === undefined ? undefined : writeTemp('gateway.yaml', yaml), env });
  return result.ok ? [] : result.problems;
}

describe('store config', () => {
  it('defaults to a 64 MiB memory store under junction:', () => {
    expect(storeConfig(undefined, {})).toEqual({
      backend: 'memory',
      keyPrefix: 'junction:',
      memory: { maxBytes: 64 * 1024 * 1024 },
      redis: { url: undefined, cluster: [], commandTimeoutMs: 250, connectTimeoutMs: 2000, maxRetriesPerRequest: 1 },
    });
  });

  it('selects Redis when REDIS_URL is set, and lets it win over store.redis.url', () => {
    const store = storeConfig('store:\n  redis:\n    url: redis://from-file:6379\n', { REDIS_URL: 'rediss://cache.internal:6380/0' });
    expect(store.backend).toBe('redis');
    expect(store.redis.url).toBe('rediss://cache.internal:6380/0');
  });

  it('selects Redis when cluster nodes are listed', () => {
    const store = storeConfig('store:\n  redis:\n    cluster: [redis://a:6379, redis://b:6379]\n', {});
    expect(store.backend).toBe('redis');
    expect(store.redis.cluster).toEqual(['redis://a:6379', 'redis://b:6379']);
  });

  it('keeps an explicit memory backend even when REDIS_URL is set', () => {
    expect(storeConfig('store:\n  backend: memory\n', { REDIS_URL: 'redis://cache:6379' }).backend).toBe('memory');
  });

  it('lists store.backend: redis without any Redis address as a problem', () => {
    expect(problemsOf('store:\n  backend: redis\n', {})).toEqual(['store.backend: redis needs REDIS_URL, store.redis.url or store.redis.cluster']);
  });

  it('lists a REDIS_URL or store.redis.url that is not redis:// or rediss:// as a problem', () => {
    expect(problemsOf(undefined, { REDIS_URL: 'http://cache:6379' })).toContain('REDIS_URL: must start with redis:// or rediss://');
    expect(problemsOf('store:\n  redis:\n    url: cache:6379\n', {}).join('\n')).toMatch(/`store\.redis\.url`: must start with redis:\/\/ or rediss:\/\//);
  });
});

describe('createStore', () => {
  const logger = createLogger('silent');

  it('builds a memory store bounded by memory.maxBytes, with keys under keyPrefix', async () => {
    const store = createStore(storeConfig('store:\n  keyPrefix: "gw:"\n  memory:\n    maxBytes: 1000\n', {}), logger);
    expect(store).toBeInstanceOf(MemoryStore);
    expect(await store.set('k', 'v', 60_000)).toBe(true);
    expect((store as MemoryStore).bytes).toBe(entryBytes('gw:k', 'v'));
    expect(await store.set('big', 'x'.repeat(1000), 60_000)).toBe(false);
    await store.close();
  });

  it('builds a Redis store without waiting for Redis', async () => {
    // Port 1 refuses connections at once: the store is built anyway and answers misses.
    const store = createStore(storeConfig(undefined, { REDIS_URL: 'redis://127.0.0.1:1' }), logger);
    expect(store).toBeInstanceOf(RedisStore);
    expect(store.kind).toBe('redis');
    expect(await store.get('k')).toBeUndefined();
    expect(store.available()).toBe(false);
    await store.close();
  });
});
