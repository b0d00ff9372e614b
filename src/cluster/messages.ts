import type { Registry } from 'prom-client';

/**
 * The IPC between `junction serve --workers N`'s supervisor and its workers (node:cluster's channel). Small
 * and typed: every message names itself with a `junction:` type, so rate-limiter-flexible's and prom-client's
 * own messages on the same channel pass by untouched.
 */

/** One worker's metrics, as prom-client's `getMetricsAsJSON()` gives them. */
export type MetricsSnapshot = Awaited<ReturnType<Registry['getMetricsAsJSON']>>;

/** Worker → supervisor: the server listens (the supervisor logs it once). */
export interface ListeningMessage {
  type: 'junction:listening';
  url: string;
}

/** Worker → supervisor: this worker now serves that supergraph. */
export interface SupergraphMessage {
  type: 'junction:supergraph';
  id: string;
}

/** Worker → supervisor: a scraper asked this worker for /metrics; the supervisor answers with the sum. */
export interface ScrapeMessage {
  type: 'junction:scrape';
  requestId: number;
}

/** Worker → supervisor: this worker's metrics, answering a CollectMessage (absent: none fresh, keep the last). */
export interface MetricsMessage {
  type: 'junction:metrics';
  requestId: number;
  metrics?: MetricsSnapshot;
}

/** Supervisor → worker: send your metrics (MetricsMessage). */
export interface CollectMessage {
  type: 'junction:collect';
  requestId: number;
}

/** Supervisor → worker: the summed metrics (Prometheus text) answering a ScrapeMessage, or why not. */
export interface ScrapedMessage {
  type: 'junction:scraped';
  requestId: number;
  text?: string;
  error?: string;
}

/** Supervisor → every worker, on each change: the supergraph each live worker serves. */
export interface FleetMessage {
  type: 'junction:fleet';
  /** `--workers N`. */
  expected: number;
  /** One entry per live worker; null until it has activated a supergraph. */
  supergraphs: (string | null)[];
}

/** Worker → supervisor: these invalidation markers were written here; have every other worker write them too. */
export interface InvalidateMessage {
  type: 'junction:invalidate';
  requestId: number;
  tags: string[];
  /** The markers' time (ms since the epoch), the same on every worker. */
  at: number;
}

/** Supervisor → worker: write these markers (an invalidation another worker received). */
export interface MarkMessage {
  type: 'junction:mark';
  requestId: number;
  tags: string[];
  at: number;
}

/** Worker → supervisor: the markers of a MarkMessage are written (`ok` false: the store refused one). */
export interface MarkedMessage {
  type: 'junction:marked';
  requestId: number;
  ok: boolean;
}

/** Supervisor → worker: every other live worker wrote the markers of its InvalidateMessage (or not, or not in time). */
export interface InvalidatedMessage {
  type: 'junction:invalidated';
  requestId: number;
  ok: boolean;
}

export type WorkerToSupervisor = ListeningMessage | SupergraphMessage | ScrapeMessage | MetricsMessage | InvalidateMessage | MarkedMessage;
export type SupervisorToWorker = CollectMessage | ScrapedMessage | FleetMessage | MarkMessage | InvalidatedMessage;

const WORKER_TYPES: ReadonlySet<string> = new Set(['junction:listening', 'junction:supergraph', 'junction:scrape', 'junction:metrics', 'junction:invalidate', 'junction:marked']);
const SUPERVISOR_TYPES: ReadonlySet<string> = new Set(['junction:collect', 'junction:scraped', 'junction:fleet', 'junction:mark', 'junction:invalidated']);

export function isWorkerMessage(message: unknown): message is WorkerToSupervisor {
  return typeof message === 'object' && message !== null && WORKER_TYPES.has((message as { type?: unknown }).type as string);
}

export function isSupervisorMessage(message: unknown): message is SupervisorToWorker {
  return typeof message === 'object' && message !== null && SUPERVISOR_TYPES.has((message as { type?: unknown }).type as string);
}
