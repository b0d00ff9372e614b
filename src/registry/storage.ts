import { randomBytes } from 'node:crypto';
import { mkdirSync, unwatchFile, watchFile } from 'node:fs';
import { open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type Redis from 'ioredis';
import type { Cluster } from 'ioredis';
import type { Logger } from '../observability';

/** One subgraph as published: routing URL, SDL, who and when. */
export interface SubgraphVersion {
  readonly name: string;
  readonly url: string;
  readonly sdl: string;
  readonly publishedBy: string;
  readonly publishedAt: string;
}

/** One supergraph version: the whole subgraph set it was composed from, and why it was made. */
export interface SupergraphVersion {
  readonly version: number;
  /** sha256 of the supergraph SDL (the id /health reports). */
  readonly supergraph: string;
  readonly supergraphSdl: string;
  readonly createdAt: string;
  readonly action: 'seed' | 'publish' | 'delete' | 'rollback';
  readonly subgraph?: string;
  readonly rolledBackTo?: number;
  readonly by: string;
  readonly subgraphs: readonly SubgraphVersion[];
}

/** The registry as stored: every write bumps `revision` (compare-and-set between replicas). */
export interface RegistryDocument {
  readonly revision: number;
  /** The active version's number (0: none yet). */
  readonly current: number;
  /** Oldest first, at most `historyLimit`. */
  readonly versions: readonly SupergraphVersion[];
}

const EMPTY_REGISTRY: RegistryDocument = Object.freeze({ revision: 0, current: 0, versions: [] });

/**
 * Where the registry lives. Reads and writes may throw (the storage is unavailable): a registry operation then
 * fails with REGISTRY_UNAVAILABLE; it is never silently lost, unlike a cache entry.
 */
export interface RegistryStorage {
  read(): Promise<RegistryDocument>;
  /** Stores `next` if the stored revision is still `expected`; false when another writer came first. */
  write(next: RegistryDocument, expected: number): Promise<boolean>;
  /** Calls `onChange` when another writer (another replica or process) changed the registry. */
  watch(onChange: () => void): void;
  close(): Promise<void>;
}

const LOCK_STALE_MS = 10_000;
const FILE_POLL_MS = 500;

/**
 * The default: `registry.json` in the data directory, written atomically (a temporary file renamed over
 * it), with an exclusive lock file around compare-and-set so two processes on one host cannot interleave.
 */
export class FileRegistryStorage implements RegistryStorage {
  private readonly file: string;
  private readonly lock: string;
  private listener: ((curr: { mtimeMs: number }, prev: { mtimeMs: number }) => void) | undefined;

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, 'registry.json');
    this.lock = join(dir, 'registry.lock');
  }

  async read(): Promise<RegistryDocument> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY_REGISTRY;
      throw err;
    }
    return parseDocument(text, this.file);
  }

  async write(next: RegistryDocument, expected: number): Promise<boolean> {
    await this.acquire();
    try {
      if ((await this.read()).revision !== expected) return false;
      const temporary = `${this.file}.${randomBytes(6).toString('hex')}.tmp`;
      await writeFile(temporary, JSON.stringify(next), { mode: 0o600 });
      await rename(temporary, this.file);
      return true;
    } finally {
      await rm(this.lock, { force: true });
    }
  }

  watch(onChange: () => void): void {
    this.listener = (curr, prev) => {
      if (curr.mtimeMs !== prev.mtimeMs) onChange();
    };
    watchFile(this.file, { interval: FILE_POLL_MS, persistent: false }, this.listener);
  }

  async close(): Promise<void> {
    if (this.listener) unwatchFile(this.file, this.listener);
  }

  private async acquire(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await (await open(this.lock, 'wx')).close();
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        // A writer that died holding the lock: take it over once it is clearly stale.
        const age = await stat(this.lock).then((s) => Date.now() - s.mtimeMs, () => 0);
        if (age > LOCK_STALE_MS) await rm(this.lock, { force: true });
        if (attempt > 500) throw new Error('the registry lock is held by another process');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
  }
}

// Compare-and-set: the document and its revision change together, and every replica is told.
const WRITE_SCRIPT = `
local current = tonumber(redis.call('GET', KEYS[2]) or '0')
if current ~= tonumber(ARGV[2]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('SET', KEYS[2], ARGV[3])
redis.call('PUBLISH', KEYS[3], ARGV[3])
return 1`;

/**
 * With Redis: the document under `<prefix>registry` (its revision beside it), a compare-and-set script, and
 * a pub/sub channel that tells every replica at once; each replica also polls the revision every
 * `pollIntervalMs`, so a missed message (a subscriber reconnecting) costs at most that long.
 */
export class RedisRegistryStorage implements RegistryStorage {
  private subscriber: Redis | Cluster | undefined;
  private poller: NodeJS.Timeout | undefined;
  private readonly keys: { document: string; revision: string; channel: string };

  constructor(
    private readonly client: Redis | Cluster,
    keyPrefix: string,
    private readonly pollIntervalMs: number,
    private readonly logger: Logger,
  ) {
    // One hash slot for the three keys (Redis Cluster runs a script on keys of one slot only).
    const tag = `{${keyPrefix}registry}`;
    this.keys = { document: `${tag}:document`, revision: `${tag}:revision`, channel: `${tag}:changed` };
  }

  async read(): Promise<RegistryDocument> {
    const text = await this.client.get(this.keys.document);
    return text === null ? EMPTY_REGISTRY : parseDocument(text, 'Redis');
  }

  async write(next: RegistryDocument, expected: number): Promise<boolean> {
    const written = await this.client.eval(WRITE_SCRIPT, 3, this.keys.document, this.keys.revision, this.keys.channel, JSON.stringify(next), String(expected), String(next.revision));
    return written === 1;
  }

  watch(onChange: () => void): void {
    let seen: string | null | undefined;
    const poll = (): void => {
      void this.client.get(this.keys.revision).then(
        (revision) => {
          if (seen !== undefined && revision !== seen) onChange();
          seen = revision;
        },
        () => undefined, // Redis away: the next poll tries again.
      );
    };
    poll();
    this.poller = setInterval(poll, this.pollIntervalMs);
    this.poller.unref();
    this.subscriber = this.client.duplicate();
    this.subscriber.on('error', (err: Error) => this.logger.debug({ err: err.message }, 'registry: subscriber connection problem'));
    this.subscriber.on('message', () => onChange());
    void this.subscriber.subscribe(this.keys.channel).catch(() => undefined);
  }

  async close(): Promise<void> {
    if (this.poller) clearInterval(this.poller);
    this.subscriber?.disconnect();
    this.client.disconnect();
  }
}

function parseDocument(text: string, where: string): RegistryDocument {
  const value = JSON.parse(text) as RegistryDocument;
  if (typeof value !== 'object' || value === null || typeof value.revision !== 'number' || !Array.isArray(value.versions)) {
    throw new Error(`the registry in ${where} is not a registry document`);
  }
  return value;
}
