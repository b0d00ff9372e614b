/**
 * The key/value interface behind what Junction caches (APQ, responses, entities, invalidation markers, shared
 * plans): in memory by default, Redis when configured (ARCHITECTURE.md, "One store abstraction, two
 * backends"). Its siblings on the same backends: counters (counters.ts, rate limits) and compare-and-set
 * documents (compareAndSet.ts, the registry).
 *
 * Reads and writes never throw and never hang: a backend that is down or slower than its command timeout
 * answers a miss (`undefined`) or a failed write (`false`). Callers treat the store as a cache, never as
 * the only copy of something they cannot rebuild.
 */
export interface Store {
  readonly kind: 'memory' | 'redis';
  /** The value, or undefined when it is absent, expired, or the backend did not answer in time. */
  get(key: string): Promise<string | undefined>;
  /** Several values in one round trip, in the order of `keys`. */
  getMany(keys: readonly string[]): Promise<Array<string | undefined>>;
  /** Stores `value` for `ttlMs` milliseconds. Resolves false when the backend did not take it. */
  set(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** Removes keys (absent keys are fine). Resolves false when the backend did not answer. */
  delete(keys: readonly string[]): Promise<boolean>;
  /** Whether the backend answers right now (memory: always). For /health and logs, not for control flow. */
  available(): boolean;
  /** A view of this store whose keys all start with `prefix` (after the store's own prefix). */
  scoped(prefix: string): Store;
  /** Closes connections; later calls answer misses. */
  close(): Promise<void>;
}
