import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { createLogger } from '../../../src/observability';
import { REGISTRY_DOCUMENT, type RegistryDocument } from '../../../src/registry';
import { createCompareAndSet, type CompareAndSetStore } from '../../../src/store';
import { testConfig } from '../../helpers/gateway';
import { sharedRedisUrl, uniquePrefix } from '../../helpers/redis';
import { waitFor } from '../../helpers/waitFor';

const logger = createLogger('silent');
const opened: Array<CompareAndSetStore<RegistryDocument>> = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
});

const doc = (revision: number): RegistryDocument => ({ revision, current: revision, versions: [] });

/** Two writers ("replicas") on one backend, and a look at where the document really lies. */
interface Place {
  open(): CompareAndSetStore<RegistryDocument>;
  /** The raw stored text, as the backend keeps it (what older versions wrote and read). */
  storedText(): Promise<string | undefined>;
  corrupt(): Promise<void>;
  close(): Promise<void>;
}

async function fileBackend(): Promise<Place> {
  const dataDir = mkdtempSync(join(tmpdir(), 'junction-cas-'));
  const config = testConfig();
  const file = join(dataDir, 'registry.json');
  return {
    open: () => {
      const store = createCompareAndSet('registry', REGISTRY_DOCUMENT, { backend: 'file', dataDir, pollIntervalMs: 200 }, config.store, logger);
      opened.push(store);
      return store;
    },
    storedText: async () => (existsSync(file) ? readFileSync(file, 'utf8') : undefined),
    corrupt: async () => writeFileSync(file, '{"not":"a registry"}'),
    close: async () => undefined,
  };
}

async function redisBackend(): Promise<Place> {
  const url = await sharedRedisUrl();
  const keyPrefix = uniquePrefix('cas');
  const config = testConfig(`store:\n  backend: redis\n  keyPrefix: "${keyPrefix}"\n  redis:\n    url: ${url}\n`);
  const peek = new Redis(url);
  const key = `{${keyPrefix}registry}:document`;
  return {
    open: () => {
      const store = createCompareAndSet('registry', REGISTRY_DOCUMENT, { backend: 'redis', dataDir: '.unused', pollIntervalMs: 200 }, config.store, logger);
      opened.push(store);
      return store;
    },
    storedText: async () => (await peek.get(key)) ?? undefined,
    corrupt: async () => void (await peek.set(key, '{"not":"a registry"}')),
    close: async () => void peek.disconnect(),
  };
}

describe.each([
  ['file', fileBackend],
  ['redis', redisBackend],
])('compare-and-set document on the %s backend', (_name, backend) => {
  let place: Place;
  beforeEach(async () => {
    place = await backend();
  });
  afterEach(() => place.close());

  it('reads the empty document until a write, then what was written (registry.json / {prefix}registry}:document)', async () => {
    const store = place.open();
    expect(await store.read()).toBe(REGISTRY_DOCUMENT.empty);
    expect(await place.storedText()).toBeUndefined();
    expect(await store.write(doc(1), 0)).toBe(true);
    expect(await store.read()).toEqual(doc(1));
    expect(JSON.parse((await place.storedText()) ?? 'null')).toEqual(doc(1));
  });

  it('refuses a write based on a revision another writer already replaced', async () => {
    const a = place.open();
    const b = place.open();
    expect(await a.write(doc(1), 0)).toBe(true);
    expect(await b.write(doc(1), 0)).toBe(false);
    expect(await b.write(doc(2), 1)).toBe(true);
    expect(await a.read()).toEqual(doc(2));
  });

  it("tells a watcher when another writer changed the document", async () => {
    const a = place.open();
    const b = place.open();
    let changes = 0;
    a.watch(() => changes++, (await a.read()).revision);
    // The file backend polls modification times; Redis polls the revision (and is told by pub/sub).
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(await b.write(doc(1), 0)).toBe(true);
    await waitFor(() => (changes > 0 ? true : undefined), 'the watcher to be told');
  });

  it('tells a watcher of a change made after its read and before its watch began', async () => {
    const a = place.open();
    const b = place.open();
    const seen = (await a.read()).revision;
    expect(await b.write(doc(1), 0)).toBe(true);
    let changes = 0;
    a.watch(() => changes++, seen);
    await waitFor(() => (changes > 0 ? true : undefined), 'the watcher to be told');
  });

  it('does not report the revision the watcher already has as a change', async () => {
    const a = place.open();
    expect(await a.write(doc(1), 0)).toBe(true);
    let changes = 0;
    a.watch(() => changes++, 1);
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(changes).toBe(0);
  });

  it('fails a read of stored data that is not the document, naming it', async () => {
    await place.corrupt();
    await expect(place.open().read()).rejects.toThrow(/^the registry in .+ is not a registry document$/);
  });
});
