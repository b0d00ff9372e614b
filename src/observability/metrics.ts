import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { LabelCap } from './labelCap';
import { createSubscriptionMetrics, noSubscriptionMetrics, type SubscriptionMetrics } from './subscriptionMetrics';

export type CacheName = 'response' | 'entity' | 'plan' | 'apq';
export type CacheResult = 'hit' | 'miss' | 'error';
export type SubgraphOutcome = 'ok' | 'error' | 'timeout' | 'circuit_open';

/** One answered GraphQL request (one operation of a batch), from Apollo Server or the HTTP layer's refusals. */
export interface HttpRequestFacts {
  /** '' when anonymous or unknown (refused before it was parsed). */
  operationName: string | null | undefined;
  /** query, mutation, subscription, or 'unknown'. */
  operationType: string;
  status: number;
  /** The `apollographql-client-name` header. */
  clientName: string | null | undefined;
  seconds: number;
  /** The distinct `extensions.code`s of the errors answered. */
  codes?: Iterable<string>;
  /** Which supergraph served it: `stable`, or `canary` while a canary release includes the client ('' when refused before). */
  variant?: string | undefined;
  /** The serving supergraph's id (sha256 of its SDL, first 12 hex digits; '' when refused before). */
  supergraph?: string | undefined;
}

/** Junction's Prometheus metrics (docs/observability.md). Every method is cheap and never throws. */
export interface Metrics {
  readonly enabled: boolean;
  /** The Prometheus text format's content type. */
  readonly contentType: string;
  httpRequest(facts: HttpRequestFacts): void;
  subgraphExchange(subgraph: string, outcome: SubgraphOutcome, seconds: number): void;
  subgraphRetry(subgraph: string): void;
  subgraphDeduplicated(subgraph: string): void;
  cacheRequest(cache: CacheName, result: CacheResult, count?: number): void;
  operationCost(estimated: number | undefined, actual: number | undefined): void;
  rateLimited(kind: 'requests' | 'cost'): void;
  supergraphActivated(id: string): void;
  /** A canary release's share now served (0: none), and each step taken (start, advance, promote, rollback, abort). */
  canaryShare(percent: number): void;
  canaryDecision(action: string): void;
  /** A long-lived client connection (WebSocket, SSE, multipart) opened (+1) or closed (-1). */
  streamConnection(transport: string, delta: 1 | -1): void;
  /** Subscriptions: active, upstreams, events, ends. */
  readonly subscriptions: SubscriptionMetrics;
  /** The registry in the Prometheus text format. */
  render(): Promise<string>;
  /** The registry as prom-client's JSON, what its cluster aggregation sums (`--workers`: see src/cluster). */
  snapshot(): ReturnType<Registry['getMetricsAsJSON']>;
}

/** Live state read when Prometheus scrapes (collect callbacks), rather than counted on the hot path. */
export interface MetricsSources {
  /** The active supergraph's subgraph clients. */
  circuits?: () => Iterable<{ readonly name: string; readonly circuitState: 'closed' | 'open' | 'half-open' }>;
  /** APQ lookups so far (PersistedOperations.stats). */
  apq?: () => { readonly apqHits: number; readonly apqMisses: number };
}

/** Distinct operation names, client names and error codes kept as label values (docs/observability.md "Metrics"). */
export const LABEL_CAPS = { operationName: 100, clientName: 20, code: 50 } as const;

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const COST = [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 50_000, 100_000];
const CIRCUIT = { closed: 0, 'half-open': 1, open: 2 } as const;

/** A registry of Junction's own (not prom-client's global one), with the Node process metrics. */
export function createMetrics(sources: MetricsSources = {}): Metrics {
  const register = new Registry();
  collectDefaultMetrics({ register, prefix: 'junction_' });
  const registers = [register];
  const httpLabels = ['operation_name', 'operation_type', 'status', 'client_name', 'variant', 'supergraph'] as const;
  const httpRequests = new Counter({ name: 'junction_http_requests_total', help: 'GraphQL requests answered (one per operation of a batch).', labelNames: httpLabels, registers });
  const httpDuration = new Histogram({ name: 'junction_http_request_duration_seconds', help: 'Time to answer a GraphQL request.', labelNames: httpLabels, buckets: SECONDS, registers });
  const subgraphRequests = new Counter({ name: 'junction_subgraph_requests_total', help: 'Subgraph fetches (retries included in one fetch) by outcome.', labelNames: ['subgraph', 'outcome'], registers });
  const subgraphDuration = new Histogram({ name: 'junction_subgraph_request_duration_seconds', help: 'Time of a subgraph fetch, retries included.', labelNames: ['subgraph', 'outcome'], buckets: SECONDS, registers });
  const retries = new Counter({ name: 'junction_subgraph_retries_total', help: 'Subgraph fetch attempts that were retries.', labelNames: ['subgraph'], registers });
  const deduplicated = new Counter({ name: 'junction_subgraph_deduplicated_total', help: 'Subgraph fetches that shared an identical one in flight.', labelNames: ['subgraph'], registers });
  const apq = sources.apq;
  const cacheRequests = new Counter({
    name: 'junction_cache_requests_total',
    help: 'Cache lookups by cache (response, entity: per entity, plan, apq) and result.',
    labelNames: ['cache', 'result'],
    registers,
    collect() {
      if (!apq) return;
      // APQ keeps its own counters (PersistedOperations.stats): copied at scrape time.
      const stats = apq();
      for (const [result, value] of [['hit', stats.apqHits], ['miss', stats.apqMisses]] as const) {
        this.remove('apq', result);
        this.inc({ cache: 'apq', result }, value);
      }
    },
  });
  const costEstimated = new Histogram({ name: 'junction_operation_cost_estimated', help: 'Estimated cost (demand control) of priced operations.', buckets: COST, registers });
  const costActual = new Histogram({ name: 'junction_operation_cost_actual', help: 'Actual cost of the responses of priced operations.', buckets: COST, registers });
  const rejections = new Counter({ name: 'junction_rejections_total', help: 'Responses carrying an error code (each code once per response).', labelNames: ['code'], registers });
  const rateLimited = new Counter({ name: 'junction_rate_limited_total', help: 'Operations refused by a rate limit, by budget kind.', labelNames: ['kind'], registers });
  const circuits = sources.circuits;
  new Gauge({
    name: 'junction_subgraph_circuit_state',
    help: 'Circuit breaker state per subgraph: 0 closed, 1 half-open, 2 open.',
    labelNames: ['subgraph'],
    registers,
    // Summed over workers (--workers) as the worst state any of them sees.
    aggregator: 'max',
    collect() {
      if (!circuits) return;
      this.reset();
      for (const client of circuits()) this.set({ subgraph: client.name }, CIRCUIT[client.circuitState]);
    },
  });
  const supergraphInfo = new Gauge({ name: 'junction_supergraph_info', help: 'The active supergraph (sha256 of its SDL): 1.', labelNames: ['supergraph'], registers, aggregator: 'max' });
  // Every worker serves the same share (--workers): the cluster sum takes the largest, not the sum.
  const canaryShare = new Gauge({ name: 'junction_canary_percent', help: 'Share of clients served a canary release (0: none under way).', registers, aggregator: 'max' });
  const canaryDecisions = new Counter({ name: 'junction_canary_decisions_total', help: 'Canary release steps taken here (start, advance, promote, rollback, abort).', labelNames: ['action'], registers });
  for (const action of ['start', 'advance', 'promote', 'rollback', 'abort']) canaryDecisions.inc({ action }, 0);
  const activations = new Counter({ name: 'junction_supergraph_activations_total', help: 'Supergraphs activated (the first one included).', registers });
  const streamConnections = new Gauge({ name: 'junction_stream_connections', help: 'Open long-lived client connections by transport (websocket, sse, multipart).', labelNames: ['transport'], registers });

  // Known series start at 0, so rates and dashboards work before the first event.
  for (const kind of ['requests', 'cost']) rateLimited.inc({ kind }, 0);
  for (const transport of ['websocket', 'sse', 'multipart']) streamConnections.set({ transport }, 0);
  for (const cache of ['response', 'entity', 'plan']) for (const result of ['hit', 'miss']) cacheRequests.inc({ cache, result }, 0);

  const operationNames = new LabelCap(LABEL_CAPS.operationName);
  const clientNames = new LabelCap(LABEL_CAPS.clientName);
  const codes = new LabelCap(LABEL_CAPS.code);

  return {
    enabled: true,
    contentType: register.contentType,
    httpRequest(facts) {
      const labels = {
        operation_name: operationNames.of(facts.operationName),
        operation_type: facts.operationType,
        status: String(facts.status),
        client_name: clientNames.of(facts.clientName),
        variant: facts.variant ?? '',
        supergraph: facts.supergraph ?? '',
      };
      httpRequests.inc(labels);
      httpDuration.observe(labels, facts.seconds);
      if (facts.codes) for (const code of facts.codes) rejections.inc({ code: codes.of(code) });
    },
    subgraphExchange(subgraph, outcome, seconds) {
      subgraphRequests.inc({ subgraph, outcome });
      subgraphDuration.observe({ subgraph, outcome }, seconds);
    },
    subgraphRetry: (subgraph) => retries.inc({ subgraph }),
    subgraphDeduplicated: (subgraph) => deduplicated.inc({ subgraph }),
    cacheRequest: (cache, result, count = 1) => {
      if (count > 0) cacheRequests.inc({ cache, result }, count);
    },
    operationCost(estimated, actual) {
      if (estimated !== undefined) costEstimated.observe(estimated);
      if (actual !== undefined) costActual.observe(actual);
    },
    rateLimited: (kind) => rateLimited.inc({ kind }),
    supergraphActivated(id) {
      supergraphInfo.reset();
      supergraphInfo.set({ supergraph: id }, 1);
      activations.inc();
    },
    canaryShare: (percent) => canaryShare.set(percent),
    canaryDecision: (action) => canaryDecisions.inc({ action }),
    streamConnection: (transport, delta) => streamConnections.inc({ transport }, delta),
    subscriptions: createSubscriptionMetrics(registers),
    render: () => register.metrics(),
    snapshot: () => register.getMetricsAsJSON(),
  };
}

/** metrics.enabled: false — the same interface, recording nothing, so call sites need no conditions. */
export const noMetrics: Metrics = {
  enabled: false,
  contentType: 'text/plain; version=0.0.4; charset=utf-8',
  httpRequest: () => undefined,
  subgraphExchange: () => undefined,
  subgraphRetry: () => undefined,
  subgraphDeduplicated: () => undefined,
  cacheRequest: () => undefined,
  operationCost: () => undefined,
  rateLimited: () => undefined,
  supergraphActivated: () => undefined,
  canaryShare: () => undefined,
  canaryDecision: () => undefined,
  streamConnection: () => undefined,
  subscriptions: noSubscriptionMetrics,
  render: async () => '',
  snapshot: async () => [],
};
