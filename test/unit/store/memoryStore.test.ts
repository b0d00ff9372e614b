import { MemoryStore, entryBytes } from '../../../src/store/memoryStore';

// Date.now and the sweep timer are faked, so expiry is exact rather than raced against the clock.
describe('MemoryStore', () => {
  const stores: MemoryStore[] = [];
  const storeOf = (maxBytes = 1024 * 1024, sweepIntervalMs?: number) => {
    const store = new MemoryStore({ maxBytes, sweepIntervalMs });
    stores.push(store);
    return store;
  };

  beforeEach(() => jest.useFakeTimers());
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
    jest.useRealTimers();
  });

  it('round-trips values through set, get, getMany and delete', async () => {
    const store = storeOf();
    expect(store.kind).toBe('memory');
    expect(store.available()).toBe(true);
    expect(await store.set('a', '1', 1000)).toBe(true);
    expect(await store.set('b', 'ünïcødé ✓', 1000)).toBe(true);
    expect(await store.get('a')).toBe('1');
    expect(await store.get('missing')).toBeUndefined();
    expect(await store.getMany(['b', 'missing', 'a'])).toEqual(['ünïcødé ✓', undefined, '1']);
    expect(await store.delete(['a', 'missing'])).toBe(true);
    expect(await store.getMany(['a', 'b'])).toEqual([undefined, 'ünïcødé ✓']);
  });

  it('answers a miss once the TTL has passed, and frees the entry on that read', async () => {
    const store = storeOf();
    await store.set('k', 'v', 30);
    jest.advanceTimersByTime(29);
    expect(await store.get('k')).toBe('v');
    expect(store.bytes).toBe(entryBytes('k', 'v'));
    jest.advanceTimersByTime(1);
    expect(await store.get('k')).toBeUndefined();
    expect(store.bytes).toBe(0);
  });

  it('sweeps expired entries nobody reads again', async () => {
    const store = storeOf(1024 * 1024, 1000);
    await store.set('short', 'v', 30);
    await store.set('long', 'v', 60_000);
    jest.advanceTimersByTime(1000);
    expect(store.bytes).toBe(entryBytes('long', 'v'));
    expect(await store.get('long')).toBe('v');
  });

  it('evicts the least recently used entries beyond maxBytes, sparing recently read ones', async () => {
    const value = 'x'.repeat(100);
    const store = storeOf(entryBytes('a', value) * 3);
    await store.set('a', value, 60_000);
    await store.set('b', value, 60_000);
    await store.set('c', value, 60_000);
    expect(await store.get('a')).toBe(value);
    await store.set('d', value, 60_000);
    expect(await store.getMany(['a', 'b', 'c', 'd'])).toEqual([value, undefined, value, value]);
    expect(store.bytes).toBe(entryBytes('a', value) * 3);
  });

  it('counts a replaced value once', async () => {
    const store = storeOf();
    await store.set('k', 'first', 60_000);
    await store.set('k', 'second value', 60_000);
    expect(store.bytes).toBe(entryBytes('k', 'second value'));
  });

  it('refuses a value larger than maxBytes without evicting anything', async () => {
    const store = storeOf(1000);
    await store.set('small', 'v', 60_000);
    expect(await store.set('big', 'x'.repeat(1000), 60_000)).toBe(false);
    expect(await store.get('big')).toBeUndefined();
    expect(await store.get('small')).toBe('v');
  });

  it('refuses a TTL that is not positive', async () => {
    const store = storeOf();
    expect(await store.set('k', 'v', 0)).toBe(false);
    expect(await store.get('k')).toBeUndefined();
  });

  it('keeps scoped views apart while they share one bound', async () => {
    const store = storeOf();
    const one = store.scoped('one:');
    const two = store.scoped('two:');
    await one.set('k', '1', 60_000);
    await two.set('k', '2', 60_000);
    await one.scoped('inner:').set('k', '3', 60_000);
    expect(await one.get('k')).toBe('1');
    expect(await two.get('k')).toBe('2');
    expect(await store.getMany(['k', 'one:k', 'two:k', 'one:inner:k'])).toEqual([undefined, '1', '2', '3']);
    await two.delete(['k']);
    expect(await store.get('two:k')).toBeUndefined();
    expect(store.bytes).toBe(entryBytes('one:k', '1') + entryBytes('one:inner:k', '3'));
  });

  it('applies its key prefix', async () => {
    const store = new MemoryStore({ maxBytes: 1024, keyPrefix: 'junction:' });
    stores.push(store);
    await store.set('k', 'v', 60_000);
    expect(store.bytes).toBe(entryBytes('junction:k', 'v'));
    expect(await store.get('k')).toBe('v');
  });

  it('answers misses after close; closing a view leaves the store open', async () => {
    const store = storeOf();
    const view = store.scoped('v:');
    await view.set('k', 'v', 60_000);
    await view.close();
    expect(await view.get('k')).toBeUndefined();
    expect(await store.get('v:k')).toBe('v');
    await store.close();
    expect(await store.get('v:k')).toBeUndefined();
    expect(await store.set('k', 'v', 60_000)).toBe(false);
    expect(await store.getMany(['k'])).toEqual([undefined]);
  });
});
