/**
 * A bounded least-recently-used map, in this process (verified tokens and subgraph identity tokens, limit
 * verdicts, plans, unknown persisted ids, recent operations). A stream of distinct operations (or an attacker
 * generating them) evicts old entries instead of growing memory without limit. The synchronous, count-bounded
 * sibling of MemoryStore: it lives with the store, which auth, security, operations and the gateway all use.
 */
export class LruMap<V> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly maxEntries: number) {}

  get(key: string): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      // Re-insert so iteration order stays least-recently-used first.
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  /** Every value, least recently used first. */
  values(): V[] {
    return [...this.entries.values()];
  }

  get size(): number {
    return this.entries.size;
  }
}
