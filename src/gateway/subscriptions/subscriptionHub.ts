import type { FetchNode, PlanNode } from '@apollo/query-planner';
import { GraphQLError, type DocumentNode, type GraphQLFormattedError } from 'graphql';
import { junctionError } from '../../errors';
import type { Transport } from '../../pipeline/operationStream';
import { LruMap } from '../../store';
import { ClientStream, type EndReason } from './clientStream';
import type { UpstreamEvent, UpstreamRequest, Upstreams } from './upstreams';

/** What the hub needs to run one group's events: built by the gateway (it knows plans, caches, executors). */
export interface GroupPlan {
  /** The supergraph state this plan belongs to (its id keys the group). */
  stateId: string;
  primary: FetchNode;
  rest: PlanNode | undefined;
  /** The upstream request of the primary fetch (headers and identity described when the group opened). */
  upstream: UpstreamRequest;
  /** Runs the rest of the plan on one event and shapes it for the clients; never throws. */
  execute(event: UpstreamEvent): Promise<{ data?: Record<string, unknown> | null; errors?: readonly GraphQLError[]; extensions?: Record<string, unknown> }>;
}

/** One client's subscribe, as the gateway accepted it. */
export interface SubscribeRequest {
  /** Identical subscriptions (same plan, variables, subgraph-request digest and caller) share a group. */
  groupKey: string;
  plan: GroupPlan;
  /** Re-validates and re-plans this subscription on a new supergraph (undefined: it no longer validates or plans). */
  replan: (stateId: string) => Promise<GroupPlan | GraphQLError>;
  /** Who the per-client bounds count against. */
  clientKey: string;
  transport: Transport;
  /** The token's `exp` (seconds since the epoch): the subscription ends with UNAUTHENTICATED then. */
  expiresAt: number | undefined;
  /** For the access-log line when it ends. */
  log: { requestId: string | undefined; operationName: string | undefined; clientName: string | undefined };
  document: DocumentNode;
}

export interface SubscriptionObserver {
  started(transport: Transport): void;
  ended(transport: Transport, reason: EndReason, seconds: number, events: number): void;
  delivered(subgraph: string, clients: number): void;
}

export interface SubscriptionHubOptions {
  upstreams: Upstreams;
  maxQueuedEvents: number;
  maxPerClient: number;
  subscribeRatePerSec: number;
  formatErrors: (errors: readonly GraphQLError[]) => GraphQLFormattedError[];
  observer?: SubscriptionObserver | undefined;
  /** One access-log line per ended subscription (logging.accessLog); undefined: none. */
  logEnd?: ((line: Record<string, unknown>) => void) | undefined;
}

/**
 * One admitted subscription. Only what outlives admission is kept: the request's plan, replan closure, group
 * key and described headers are the group's (taken from its first subscriber), so idle subscriptions cost a
 * few hundred bytes here instead of a copy of all of that each (bench: `--only subscriptions`).
 */
interface Client {
  stream: ClientStream;
  clientKey: string;
  transport: Transport;
  log: SubscribeRequest['log'];
  expiry: NodeJS.Timeout | undefined;
  group: Group | undefined;
}

/** Identical client subscriptions: one upstream read, each event executed and shaped once, then fanned out. */
class Group {
  readonly clients = new Set<Client>();
  stop: (() => void) | undefined;
  /** Events run one after another, in the order the subgraph sent them. */
  chain: Promise<void> = Promise.resolve();
  constructor(
    public key: string,
    public plan: GroupPlan,
    readonly replan: SubscribeRequest['replan'],
    readonly document: DocumentNode,
  ) {}
}

const CODES: Partial<Record<EndReason, string>> = { upstream: 'SUBSCRIPTION_UPSTREAM_CLOSED', schema_reload: 'SUBSCRIPTION_SCHEMA_RELOAD', shutdown: 'SHUTTING_DOWN', token_expired: 'UNAUTHENTICATED' };
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Every client subscription of this process: the per-client bounds, the groups that share upstreams and event
 * execution, the end of each subscription with a code (token expiry, supergraph change, upstream gone, slow
 * consumer, shutdown), its metrics and its access-log line.
 */
export class SubscriptionHub {
  private readonly groups = new Map<string, Group>();
  private readonly perClient = new Map<string, number>();
  private readonly buckets = new LruMap<{ tokens: number; at: number }>(100_000);
  private stopping = false;

  constructor(private readonly options: SubscriptionHubOptions) {}

  /** Client subscriptions active now. */
  get active(): number {
    let n = 0;
    for (const group of this.groups.values()) n += group.clients.size;
    return n;
  }

  /** Admits a client subscription: its stream, or the error that refuses it (a bound, or shutting down). */
  subscribe(request: SubscribeRequest): ClientStream | GraphQLError {
    if (this.stopping) return junctionError('SHUTTING_DOWN', 'The gateway is shutting down; subscribe again to another replica.');
    // Subscription floods: each one holds memory and, unless shared, a subgraph subscription.
    const held = this.perClient.get(request.clientKey) ?? 0;
    if (held >= this.options.maxPerClient) return junctionError('SUBSCRIPTION_LIMIT', `At most ${this.options.maxPerClient} active subscriptions per client (subscriptions.maxPerClient).`);
    if (!this.takeToken(request.clientKey)) return junctionError('RATE_LIMITED', `More than ${this.options.subscribeRatePerSec} subscribes per second from this client (subscriptions.subscribeRatePerSec).`);
    if (request.expiresAt !== undefined && request.expiresAt * 1000 <= Date.now()) return junctionError('UNAUTHENTICATED', 'Unauthenticated: the token has expired.');

    this.perClient.set(request.clientKey, held + 1);
    const stream = new ClientStream(this.options.maxQueuedEvents, (_stream, reason) => this.left(client, reason));
    const client: Client = { stream, clientKey: request.clientKey, transport: request.transport, log: request.log, expiry: undefined, group: undefined };
    let group = this.groups.get(request.groupKey);
    if (!group) {
      group = new Group(request.groupKey, request.plan, request.replan, request.document);
      this.groups.set(group.key, group);
      this.listen(group);
    }
    group.clients.add(client);
    client.group = group;
    if (request.expiresAt !== undefined) {
      // No access outliving the token: the subscription ends at exp.
      const ms = Math.min(request.expiresAt * 1000 - Date.now(), MAX_TIMER_MS);
      client.expiry = setTimeout(() => this.end(client, 'token_expired', 'Unauthenticated: the token has expired.'), ms);
      client.expiry.unref();
    }
    this.options.observer?.started(request.transport);
    return client.stream;
  }

  /**
   * A new supergraph is active: every subscription is validated and planned again on it. Those that still
   * validate keep running (later events planned on the new supergraph; a changed primary fetch moves to a new
   * upstream); the others end with SUBSCRIPTION_SCHEMA_RELOAD. Groups on a state in `kept` (a canary release's,
   * still served) stay where they are.
   */
  async revalidate(stateId: string, kept: ReadonlySet<string> = new Set()): Promise<void> {
    for (const group of [...this.groups.values()]) {
      if (group.plan.stateId === stateId || kept.has(group.plan.stateId)) continue;
      let next: GroupPlan | GraphQLError;
      try {
        next = await group.replan(stateId);
      } catch (err) {
        next = junctionError('SUBSCRIPTION_SCHEMA_RELOAD', err instanceof Error ? err.message : String(err));
      }
      if (this.groups.get(group.key) !== group) continue;
      if (next instanceof GraphQLError) {
        for (const client of [...group.clients]) this.end(client, 'schema_reload', `The supergraph changed and this subscription no longer applies: ${next.message}`);
        continue;
      }
      const previous = group.plan;
      const sameUpstream = previous.upstream.subgraph === next.upstream.subgraph && previous.upstream.operation === next.upstream.operation && previous.upstream.url === next.upstream.url;
      group.plan = next;
      if (!sameUpstream) {
        const stopOld = group.stop;
        this.listen(group);
        stopOld?.();
      }
    }
  }

  /** Stopping: every subscription ends with SHUTTING_DOWN, new ones are refused, upstreams close. */
  shutdown(): void {
    this.stopping = true;
    for (const group of [...this.groups.values()]) for (const client of [...group.clients]) this.end(client, 'shutdown', 'The gateway is shutting down; subscribe again.');
    this.options.upstreams.close();
  }

  private listen(group: Group): void {
    group.stop = this.options.upstreams.listen(group.plan.upstream, {
      next: (event) => {
        group.chain = group.chain.then(() => this.deliver(group, event));
      },
      ended: (failure) => {
        // After the events already received are delivered.
        group.chain = group.chain.then(() => {
          for (const client of [...group.clients]) {
            if (failure === undefined) this.end(client, 'complete');
            else this.end(client, 'upstream', `The subgraph "${group.plan.upstream.subgraph}" ended the subscription.`);
          }
        });
      },
    });
  }

  private async deliver(group: Group, event: UpstreamEvent): Promise<void> {
    if (group.clients.size === 0) return;
    // Each group merges into its own copy: groups may share one upstream event.
    const own = { data: event.data === undefined || event.data === null ? event.data : structuredClone(event.data), errors: event.errors };
    const executed = await group.plan.execute(own);
    const result = {
      ...(executed.errors && executed.errors.length > 0 ? { errors: this.options.formatErrors(executed.errors) } : {}),
      ...(executed.data !== undefined ? { data: executed.data } : {}),
      ...(executed.extensions ? { extensions: executed.extensions } : {}),
    };
    for (const client of group.clients) client.stream.push(result);
    this.options.observer?.delivered(group.plan.upstream.subgraph, group.clients.size);
  }

  private end(client: Client, reason: EndReason, message?: string): void {
    const code = CODES[reason];
    client.stream.end(reason, message && code ? { message, extensions: { code } } : undefined);
  }

  // Called once per client subscription, whatever ended it.
  private left(client: Client, reason: EndReason): void {
    if (client.expiry) clearTimeout(client.expiry);
    const group = client.group;
    if (group && group.clients.delete(client) && group.clients.size === 0) {
      if (this.groups.get(group.key) === group) this.groups.delete(group.key);
      group.stop?.();
    }
    const key = client.clientKey;
    const held = (this.perClient.get(key) ?? 1) - 1;
    if (held > 0) this.perClient.set(key, held);
    else this.perClient.delete(key);
    const seconds = (Date.now() - client.stream.startedAt) / 1000;
    this.options.observer?.ended(client.transport, reason, seconds, client.stream.delivered);
    this.options.logEnd?.({ ...client.log, transport: client.transport, reason, events: client.stream.delivered, durationMs: Math.round(seconds * 1000) });
  }

  // Token bucket per client: a burst of two seconds' worth, then subscribeRatePerSec.
  private takeToken(clientKey: string): boolean {
    const rate = this.options.subscribeRatePerSec;
    const now = Date.now();
    const bucket = this.buckets.get(clientKey) ?? { tokens: rate * 2, at: now };
    bucket.tokens = Math.min(rate * 2, bucket.tokens + ((now - bucket.at) / 1000) * rate);
    bucket.at = now;
    const ok = bucket.tokens >= 1;
    if (ok) bucket.tokens -= 1;
    this.buckets.set(clientKey, bucket);
    return ok;
  }
}

