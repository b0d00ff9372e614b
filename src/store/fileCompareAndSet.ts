import { randomBytes } from 'node:crypto';
import { mkdirSync, unwatchFile, watchFile } from 'node:fs';
import { open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CompareAndSetStore, Revisioned, StoredDocument } from './compareAndSet';

const LOCK_STALE_MS = 10_000;
const FILE_POLL_MS = 500;

/**
 * The default: `<name>.json` in a data directory, written atomically (a temporary file renamed over it), with
 * an exclusive lock file (`<name>.lock`) around compare-and-set so two processes on one host cannot interleave.
 */
export class FileCompareAndSet<T extends Revisioned> implements CompareAndSetStore<T> {
  private readonly file: string;
  private readonly lock: string;
  private listener: ((curr: { mtimeMs: number }, prev: { mtimeMs: number }) => void) | undefined;

  constructor(dir: string, private readonly name: string, private readonly document: StoredDocument<T>) {
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, `${name}.json`);
    this.lock = join(dir, `${name}.lock`);
  }

  async read(): Promise<T> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return this.document.empty;
      throw err;
    }
    return this.document.parse(text, this.file);
  }

  async write(next: T, expected: number): Promise<boolean> {
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

  watch(onChange: () => void, seen: number): void {
    this.listener = (curr, prev) => {
      if (curr.mtimeMs !== prev.mtimeMs) onChange();
    };
    watchFile(this.file, { interval: FILE_POLL_MS, persistent: false }, this.listener);
    // A write between the caller's read and the watch starting: no modification time changes after it.
    void this.read().then(
      (document) => {
        if (document.revision !== seen) onChange();
      },
      () => undefined,
    );
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
        if (attempt > 500) throw new Error(`the ${this.name} lock is held by another process`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
  }
}
