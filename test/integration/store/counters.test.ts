import Redis from 'ioredis';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { createLogger } from '../../../src/observability';
import { createCounters, type Counters } from '../../../src/store';
import { testConfig } from '../../helpers/gateway';
import { sharedRedisUrl, uniquePrefix } from '../../helpers/redis';
import { waitFor } from '../../helpers/waitFor';

const logger = createLogger('silent');
const opened: Counters[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((counters) => counters.close()));
});

function countersOn(yaml: string): Counters {
  const counters = createCounters(testConfig(yaml).store, logger);
  opened.push(counters);
  return counters;
}

/** Whether each of `times` one-point spends is allowed. */
async function spends(counters: Counters, key: string, times: number): Promise<boolean[]> {
  const family = counters.family({ points: 2, durationSec: 60, keyPrefix: 'rl:requests:client' });
  const allowed: boolean[] = [];
  for (let i = 0; i < times; i++) {
    allowed.push(
      await family.consume(key, 1).then(
        () => true,
        (err: unknown) => {
          if (err instanceof RateLimiterRes) return false;
          throw err;
        },
      ),
    );
  }
  return allowed;
}

describe('counters', () => {
  it('count in this process with the memory store: each process (each Counters) on its own', async () => {
    const a = countersOn('store:\n  backend: memory\n');
    const b = countersOn('store:\n  backend: memory\n');
    expect(a.kind).toBe('memory');
    expect(await spends(a, 'alice', 3)).toEqual([true, true, false]);
    expect(await spends(b, 'alice', 1)).toEqual([true]);
  });

  it('are shared by every replica with the Redis store, under <store.keyPrefix><family prefix>', async () => {
    const url = await sharedRedisUrl();
    const keyPrefix = uniquePrefix('counters');
    const yaml = `store:\n  backend: redis\n  keyPrefix: "${keyPrefix}"\n  redis:\n    url: ${url}\n`;
    const a = countersOn(yaml);
    const b = countersOn(yaml);
    expect(a.kind).toBe('redis');
    const peek = new Redis(url);
    try {
      // Until its connection is ready a replica counts in memory (the insurance): wait until each counts in Redis.
      // rate-limiter-flexible's key: the family's prefix, a colon, the key (the layout rate limits always had).
      for (const [counters, probe] of [[a, 'probe-a'], [b, 'probe-b']] as const) {
        await waitFor(async () => {
          await spends(counters, probe, 1);
          return (await peek.exists(`${keyPrefix}rl:requests:client:${probe}`)) === 1 ? true : undefined;
        }, `${probe} to count in Redis`);
      }
      expect(await spends(a, 'alice', 1)).toEqual([true]);
      expect(await spends(b, 'alice', 2)).toEqual([true, false]);
      // The refused third spend is counted too (the rate limiter gives it back with `reward`).
      expect(await peek.get(`${keyPrefix}rl:requests:client:alice`)).toBe('3');
    } finally {
      peek.disconnect();
    }
  });
});
