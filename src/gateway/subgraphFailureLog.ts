import type { Logger } from '../observability';

/** Told why a subgraph fetch failed (SubgraphClient), once per failed fetch. */
export interface SubgraphFailureReporter {
  report(subgraph: string, url: string, cause: string): void;
}

const WINDOW_MS = 10_000;

/**
 * Operators see why a subgraph fetch failed — subgraph, URL, cause (connection refused, timeout, HTTP status,
 * invalid JSON, too large) — where clients only see SUBGRAPH_UNAVAILABLE. A subgraph that is down fails every
 * fetch, so each subgraph and cause logs at most one line per 10 s, carrying how many failures it stands for
 * (this one and those held back since the previous line). Keys are bounded: subgraphs × causes, and causes are
 * a short fixed list plus HTTP statuses.
 */
export class SubgraphFailureLog implements SubgraphFailureReporter {
  private readonly last = new Map<string, { at: number; held: number }>();

  constructor(
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
    private readonly windowMs = WINDOW_MS,
  ) {}

  report(subgraph: string, url: string, cause: string): void {
    const key = `${subgraph}\u0000${cause}`;
    const now = this.now();
    const entry = this.last.get(key);
    if (entry && now - entry.at < this.windowMs) {
      entry.held++;
      return;
    }
    const count = (entry?.held ?? 0) + 1;
    this.last.set(key, { at: now, held: 0 });
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
