import { unwatchFile, watchFile } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { JunctionConfig } from '../config';
import type { Logger } from '../observability';
import { parseManifest, type ManifestOperation } from './manifest';
import { TrustedDocuments } from './trustedDocuments';

/** One entry of gateway.yaml `persistedQueries.manifests`: a file or a URL. */
export type ManifestSourceConfig = Readonly<JunctionConfig['persistedQueries']['manifests'][number]>;

/** How often manifest files are stat-ed (as supergraph files are: polling survives rename-on-save). */
const FILE_POLL_MS = 500;
const FETCH_TIMEOUT_MS = 10_000;

interface Source {
  readonly config: ManifestSourceConfig;
  readonly label: string;
  operations: readonly ManifestOperation[];
  etag: string | undefined;
}

/**
 * The configured manifests, loaded at start and re-read when they change (files by polling their mtime,
 * URLs every `pollIntervalMs` with If-None-Match). A reload that fails (unreadable, malformed, or in conflict
 * with another manifest) keeps the last good set: a bad upload never opens or closes the safelist by itself.
 */
export class ManifestSources {
  private documents: TrustedDocuments = TrustedDocuments.EMPTY;
  private readonly sources: Source[];
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly watched: Array<{ file: string; listener: (curr: { mtimeMs: number }, prev: { mtimeMs: number }) => void }> = [];
  private stopped = false;

  constructor(
    configs: readonly ManifestSourceConfig[],
    private readonly options: { pollIntervalMs: number; logger: Logger; onChange: (documents: TrustedDocuments) => void },
  ) {
    this.sources = configs.map((config) => ({ config, label: config.path ?? config.url ?? '?', operations: [], etag: undefined }));
  }

  get current(): TrustedDocuments {
    return this.documents;
  }

  /** Loads every manifest; throws with every problem when one cannot be loaded (the gateway does not start). */
  async start(): Promise<TrustedDocuments> {
    const problems: string[] = [];
    await Promise.all(
      this.sources.map(async (source) => {
        const loaded = await this.read(source);
        if (loaded.ok) source.operations = loaded.operations ?? [];
        else problems.push(...loaded.problems);
      }),
    );
    const merged = problems.length === 0 ? TrustedDocuments.merge(this.sources.map((s) => s.operations)) : undefined;
    if (!merged || !merged.ok) throw new Error(`persisted-query manifests could not be loaded:\n${[...problems, ...(merged && !merged.ok ? merged.problems : [])].map((p) => `  - ${p}`).join('\n')}`);
    this.documents = merged.documents;
    for (const source of this.sources) this.follow(source);
    return this.documents;
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    for (const { file, listener } of this.watched) unwatchFile(file, listener);
  }

  private follow(source: Source): void {
    if (source.config.path) {
      const file = resolve(source.config.path);
      const listener = (curr: { mtimeMs: number }, prev: { mtimeMs: number }): void => {
        if (curr.mtimeMs !== prev.mtimeMs) void this.reload(source);
      };
      watchFile(file, { interval: FILE_POLL_MS, persistent: false }, listener);
      this.watched.push({ file, listener });
    } else {
      const timer = setInterval(() => void this.reload(source), this.options.pollIntervalMs);
      timer.unref();
      this.timers.push(timer);
    }
  }

  private async reload(source: Source): Promise<void> {
    const loaded = await this.read(source);
    if (this.stopped) return;
    const { logger } = this.options;
    if (!loaded.ok) return void logger.error({ manifest: source.label, problems: loaded.problems }, 'manifest reload failed; keeping the last good manifests');
    if (!loaded.operations) return; // not modified
    const next = this.sources.map((s) => (s === source ? loaded.operations ?? [] : s.operations));
    const merged = TrustedDocuments.merge(next);
    if (!merged.ok) return void logger.error({ manifest: source.label, problems: merged.problems }, 'manifest reload conflicts with another manifest; keeping the last good manifests');
    source.operations = loaded.operations;
    this.documents = merged.documents;
    logger.info({ manifest: source.label, operations: merged.documents.size }, 'persisted-query manifests reloaded');
    this.options.onChange(merged.documents);
  }

  /** The manifest's operations; `operations` undefined means the URL answered 304 Not Modified. */
  private async read(source: Source): Promise<{ ok: true; operations?: ManifestOperation[] } | { ok: false; problems: string[] }> {
    const { path, url, clientName } = source.config;
    let text: string;
    try {
      if (path) {
        text = await readFile(resolve(path), 'utf8');
      } else {
        const res = await fetch(url as string, {
          headers: source.etag ? { 'if-none-match': source.etag } : {},
          signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
        });
        if (res.status === 304) return { ok: true };
        if (!res.ok) return { ok: false, problems: [`${source.label}: HTTP ${res.status}`] };
        text = await res.text();
        source.etag = res.headers.get('etag') ?? undefined;
      }
    } catch (err) {
      return { ok: false, problems: [`${source.label}: cannot be read (${err instanceof Error ? err.message : String(err)})`] };
    }
    const parsed = parseManifest(text, source.label, clientName);
    return parsed.ok ? { ok: true, operations: parsed.operations } : parsed;
  }
}
