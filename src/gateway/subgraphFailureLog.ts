import type { Logger } from '../observability';

/** Told why a subgraph fetch failed (SubgraphClient), once per failed fetch. */
export interface SubgraphFailureReporter {
  report(subgraph: string, url: string, cause: string): void;
}

const WINDOW_MS = 10_000;

/** Runs `flush` in `ms` (a timer that never keeps the process alive). */
export type Scheduler = (flush: () => void, ms: number) => void;
const unrefTimer: Scheduler = (flush, ms) => void setTimeout(flush, ms).unref();

/**
 * Operators see why a subgraph fetch failed — subgraph, URL, cause (connection refused, timeout, HTTP status,
 * invalid JSON, too large) — where clients only see SUBGRAPH_UNAVAILABLE. A subgraph that is down fails every
 * fetch, so each subgraph and cause logs at most one line per 10 s: the first failure at once (count 1), then,
 * when the 10 s are over, one line with the count of those held back meanwhile (none: no line), which opens
 * the next 10 s. So every failure is counted in a line within 10 s of happening, even when they stop. Keys are
 * bounded: subgraphs × causes, and causes are a short fixed list plus HTTP statuses.
 */
export class SubgraphFailureLog implements SubgraphFailureReporter {
  private readonly windows = new Map<string, { at: number; held: number; url: string; flushing: boolean }>();

  constructor(
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
    private readonly windowMs = WINDOW_MS,
    private readonly schedule: Scheduler = unrefTimer,
  ) {}

  report(subgraph: string, url: string, cause: string): void {
    const key = `${subgraph}\u0000${cause}`;
    const now = this.now();
    const window = this.windows.get(key);
    if (window && now - window.at < this.windowMs) {
      window.held++;
      window.url = url;
      if (!window.flushing) {
        window.flushing = true;
        this.schedule(() => this.flush(key, subgraph, cause), window.at + this.windowMs - now);
      }
      return;
    }
    this.windows.set(key, { at: now, held: 0, url, flushing: false });
    this.line(subgraph, url, cause, 1);
  }

  /** The window is over: one line for the failures held back in it; the next window starts with that line. */
  private flush(key: string, subgraph: string, cause: string): void {
    const window = this.windows.get(key);
    if (!window) return;
    if (window.held === 0) return void this.windows.delete(key);
    this.line(subgraph, window.url, cause, window.held);
    this.windows.set(key, { at: this.now(), held: 0, url: window.url, flushing: false });
  }

  private line(subgraph: string, url: string, cause: string, count: number): void {
    this.logger.warn({ subgraph, url, cause, count, windowSec: this.windowMs / 1000 }, `subgraph fetch failed: ${subgraph} (${cause})`);
  }
}

/** Why a transport error failed a fetch, in an operator's words. */
export function transportCause(err: { name?: string; code?: string; message?: string }, timedOut: boolean, timeoutMs: number): string {
  if (timedOut) return `timeout after ${timeoutMs} ms`;
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'connection reset';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host unreachable';
    default:
      return err.code ?? err.name ?? 'connection failed';
  }
}
