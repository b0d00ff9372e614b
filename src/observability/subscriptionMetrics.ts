import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Subscription metrics (docs/observability.md): what is open, what is delivered, and why subscriptions end. */
export interface SubscriptionMetrics {
  started(transport: string): void;
  ended(transport: string, reason: string, seconds: number, events: number): void;
  /** One event delivered to `clients` client subscriptions. */
  delivered(subgraph: string, clients: number): void;
  /** Upstream (subgraph) subscriptions open now. */
  upstreams(active: number): void;
}

const TRANSPORTS = ['websocket', 'sse', 'multipart'];
const DURATION = [1, 10, 60, 300, 900, 3600, 4 * 3600, 24 * 3600];

export function createSubscriptionMetrics(registers: Registry[]): SubscriptionMetrics {
  const active = new Gauge({ name: 'junction_subscriptions_active', help: 'Client subscriptions open now, by transport.', labelNames: ['transport'], registers });
  const upstream = new Gauge({ name: 'junction_subscriptions_upstream_active', help: 'Subgraph subscriptions open now (shared by identical client subscriptions).', registers });
  const events = new Counter({ name: 'junction_subscription_events_total', help: 'Events delivered to client subscriptions, by the subgraph that sent them (one per client).', labelNames: ['subgraph'], registers });
  const ends = new Counter({ name: 'junction_subscriptions_ended_total', help: 'Client subscriptions ended, by reason.', labelNames: ['transport', 'reason'], registers });
  const duration = new Histogram({ name: 'junction_subscription_duration_seconds', help: 'How long client subscriptions lasted.', labelNames: ['transport'], buckets: DURATION, registers });
  for (const transport of TRANSPORTS) active.set({ transport }, 0);
  upstream.set(0);
  return {
    started: (transport) => active.inc({ transport }),
    ended(transport, reason, seconds) {
      active.dec({ transport });
      ends.inc({ transport, reason });
      duration.observe({ transport }, seconds);
    },
    delivered: (subgraph, clients) => events.inc({ subgraph }, clients),
    upstreams: (n) => upstream.set(n),
  };
}

export const noSubscriptionMetrics: SubscriptionMetrics = { started: () => undefined, ended: () => undefined, delivered: () => undefined, upstreams: () => undefined };
