import type { Store } from './store';

export interface MemoryStoreOptions {
  /** Most bytes kept (see `entryBytes`); least recently used entries are evicted beyond. */
  maxBytes: number;
  /** Prepended to every key. @default '' */
  keyPrefix?: string;
  /** How often expired entries nobody reads again are dropped. @default 60_000 */
  sweepIntervalMs?: number;
}

/**
 * What one entry counts against `maxBytes`: two bytes per UTF-16 code unit (the most V8 keeps for a string)
 * plus the Map slot and entry object. An estimate, but O(1): Buffer.byteLength would scan every value.
 */
export function entryBytes(key: string, value: string): number {
  return (key.length + value.length) * 2 + ENTRY_OVERHEAD_BYTES;
}

const ENTRY_OVERHEAD_BYTES = 64;

interface Entry {
  value: string;
  expiresAt: number;
  bytes: number;
}

/** The entries and byte count a store shares with its scoped views. */
class Entries {
  // Map iteration order is insertion order: re-inserting on read keeps the least recently used first.
  readonly map = new Map<string, Entry>();
  bytes = 0;
  closed = false;
  private readonly sweeper: NodeJS.Timeout;

  constructor(readonly maxBytes: number, sweepIntervalMs: number) {
    // Without a sweep, entries written once and never read again would hold memory until evicted.
    this.sweeper = setInterval(() => this.sweep(), sweepIntervalMs).unref();
  }

  get(key: string): string | undefined {
    const entry = this.map.get(key);
    if (entry === undefined) return undefined;
    this.map.delete(key);
    if (entry.expiresAt <= Date.now()) {
      this.bytes -= entry.bytes;
      return undefined;
    }
    this.map.set(key, entry);
    return entry.value;
  }

  set(key: string, value: string, ttlMs: number): boolean {
    const bytes = entryBytes(key, value);
    this.delete(key);
    if (bytes > this.maxBytes) return false;
    this.map.set(key, { value, expiresAt: Date.now() + ttlMs, bytes });
    this.bytes += bytes;
    while (this.bytes > this.maxBytes) {
      const oldest = this.map.keys().next();
      if (oldest.done) break;
      this.delete(oldest.value);
    }
    return true;
  }

  delete(key: string): void {
    const entry = this.map.get(key);
    if (entry === undefined) return;
    this.map.delete(key);
    this.bytes -= entry.bytes;
  }

  sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.map) if (entry.expiresAt <= now) this.delete(key);
  }

  close(): void {
    clearInterval(this.sweeper);
    this.map.clear();
    this.bytes = 0;
    this.closed = true;
  }
}

/** A view of shared entries under a prefix; closing a view only ends that view. */
class MemoryView implements Store {
  readonly kind = 'memory';
  private viewClosed = false;

  constructor(protected readonly entries: Entries, private readonly prefix: string) {}

  async get(key: string): Promise<string | undefined> {
    return this.open() ? this.entries.get(this.prefix + key) : undefined;
  }

  async getMany(keys: readonly string[]): Promise<Array<string | undefined>> {
    if (!this.open()) return keys.map(() => undefined);
    return keys.map((key) => this.entries.get(this.prefix + key));
  }

  async set(key: string, value: string, ttlMs: number): Promise<boolean> {
    if (!this.open() || !(ttlMs > 0)) return false;
    return this.entries.set(this.prefix + key, value, ttlMs);
  }

  async delete(keys: readonly string[]): Promise<boolean> {
    if (!this.open()) return false;
    for (const key of keys) this.entries.delete(this.prefix + key);
    return true;
  }

  available(): boolean {
    return true;
  }

  scoped(prefix: string): Store {
    return new MemoryView(this.entries, this.prefix + prefix);
  }

  async close(): Promise<void> {
    this.viewClosed = true;
  }

  private open(): boolean {
    return !this.viewClosed && !this.entries.closed;
  }
}

/**
 * The per-process store: a Map in least-recently-used order, bounded by bytes so that a flood of distinct
 * keys (APQ registrations from an attacker, say) evicts old entries instead of growing the heap.
 * Expired entries are misses, dropped when read and by a periodic sweep.
 */
export class MemoryStore extends MemoryView {
  constructor(options: MemoryStoreOptions) {
    super(new Entries(options.maxBytes, options.sweepIntervalMs ?? 60_000), options.keyPrefix ?? '');
  }

  /** Bytes currently counted against `maxBytes` (all views together). */
  get bytes(): number {
    return this.entries.bytes;
  }

  /** Stops the sweep and drops every entry; this store and all its views answer misses afterwards. */
  override async close(): Promise<void> {
    await super.close();
    this.entries.close();
  }
}
