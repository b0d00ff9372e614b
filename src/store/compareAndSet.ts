/** A document whose every write bumps `revision`. */
export interface Revisioned {
  readonly revision: number;
}

/** How a kind of document is stored: what an empty store holds, and how stored text is read back. */
export interface StoredDocument<T extends Revisioned> {
  /** What `read` answers while nothing is stored. */
  readonly empty: T;
  /** The document in `text`; throws when it is not one (`where`: the file, or "Redis", for the message). */
  parse(text: string, where: string): T;
}

/**
 * One document shared by every writer, changed by compare-and-set (the registry). Reads and writes may throw
 * (the storage is unavailable): unlike a cache entry, a write is never silently lost.
 */
export interface CompareAndSetStore<T extends Revisioned> {
  read(): Promise<T>;
  /** Stores `next` if the stored revision is still `expected`; false when another writer came first. */
  write(next: T, expected: number): Promise<boolean>;
  /**
   * Calls `onChange` when another writer (another replica or process) changed the document — including a change
   * made after the caller read revision `seen` and before the watch was in place (none is lost in between).
   */
  watch(onChange: () => void, seen: number): void;
  close(): Promise<void>;
}
