import type { Store } from '../store';

/**
 * Automatic persisted queries in the store: hash → query text, with a TTL. With a shared (Redis) store a
 * hash registered through one replica is answered by every replica. A local copy of recently used entries
 * (`local`, a memory store) saves the round trip on repeats: an entry is content-addressed (the key is the
 * sha256 of the value), so a local copy can never be stale, only kept a little longer than its TTL.
 */
export class ApqStore {
  private readonly ttlMs: number;

  constructor(
    private readonly shared: Store,
    private readonly local: Store | undefined,
    ttlSec: number,
  ) {
    this.ttlMs = ttlSec * 1000;
  }

  /** The registered query, or undefined (never registered, expired, or the store did not answer in time). */
  async lookup(hash: string): Promise<string | undefined> {
    const near = await this.local?.get(hash);
    if (near !== undefined) return near;
    const query = await this.shared.get(hash);
    if (query !== undefined) void this.local?.set(hash, query, this.ttlMs);
    return query;
  }

  /** Registers a query under its hash (the caller has checked that the hash is the query's sha256). */
  async register(hash: string, query: string): Promise<boolean> {
    void this.local?.set(hash, query, this.ttlMs);
    return this.shared.set(hash, query, this.ttlMs);
  }
}
