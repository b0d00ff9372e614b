import { unwatchFile, watchFile } from 'node:fs';
import { loadSupergraph, type SupergraphResult } from './supergraphFile';

export interface SupergraphWatcher {
  stop(): void;
}

/** How often watched files are stat-ed. Polling survives editors that replace files by renaming them. */
const POLL_INTERVAL_MS = 500;

/**
 * Re-loads (and for a supergraph.yaml, re-composes) whenever the file or a schema file it references changes.
 * Every outcome, good or bad, goes to `onResult`; the caller decides to keep the last good supergraph.
 */
export function watchSupergraph(
  path: string,
  env: Readonly<Record<string, string | undefined>>,
  initialFiles: readonly string[],
  onResult: (result: SupergraphResult) => void,
): SupergraphWatcher {
  let watched = new Set<string>();
  let stopped = false;
  let running: Promise<void> | undefined;
  let again = false;

  const reload = (): void => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = loadSupergraph(path, env)
      .then((result) => {
        if (stopped) return;
        follow(result.files);
        onResult(result);
      })
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          reload();
        }
      });
  };

  const onChange = (curr: { mtimeMs: number }, prev: { mtimeMs: number }): void => {
    if (curr.mtimeMs !== prev.mtimeMs) reload();
  };

  const follow = (files: readonly string[]): void => {
    const next = new Set(files);
    for (const f of watched) if (!next.has(f)) unwatchFile(f, onChange);
    for (const f of next) if (!watched.has(f)) watchFile(f, { interval: POLL_INTERVAL_MS, persistent: false }, onChange);
    watched = next;
  };

  follow(initialFiles);
  return {
    stop() {
      stopped = true;
      for (const f of watched) unwatchFile(f, onChange);
      watched.clear();
    },
  };
}
