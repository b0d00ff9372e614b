import type { QueryPlan } from '@apollo/query-planner';
import { createHash } from 'node:crypto';
import { GraphQLError, Kind, parse, validate, type DocumentNode } from 'graphql';
import { LruMap, type Store } from '../store';
import { junctionError } from '../errors';
import { guardedShaper, onlyJunctionRuns, prepareOperation, type PreparedOperation } from './execution';
import type { AuthorizedOperation } from './operationAuthorization';
import type { SupergraphState } from './supergraphState';

export interface PlansOptions {
  /** Junction's executor and compiled shaper; false prepares plans for @apollo/gateway's executor. */
  fastExecutor: boolean;
  /** Where plans are shared between replicas (`queryPlan.shared`): a store keyed by supergraph and operation. */
  sharedPlans?: Store | undefined;
  /** Plan-cache lookups (observability/metrics.ts). */
  metrics?: { cacheRequest(cache: 'plan', result: 'hit' | 'miss'): void } | undefined;
}

export interface PrewarmResult {
  planned: number;
  failed: Array<{ name: string | undefined; reason: string }>;
}

export type Prepared = PreparedOperation | GraphQLError | Promise<PreparedOperation | GraphQLError>;

/** How many recently served operations are remembered (prewarm on a supergraph change, registry checks). */
const RECENT_OPERATIONS = 500;

/** Shared plans are keyed by supergraph id: old ones are never read again, only left to expire. */
const SHARED_PLAN_TTL_MS = 24 * 3600 * 1000;

/**
 * Query plans: each supergraph state's LRU plan cache, the shared plan store (`queryPlan.shared`), planning
 * itself, and prewarming (manifest operations and the operations served lately, planned before a new
 * supergraph goes live).
 */
export class Plans {
  /** Operations served lately (by query hash). */
  private readonly recent = new LruMap<{ body: string; name: string | undefined }>(RECENT_OPERATIONS);
  /** Plans built here, plans taken from the shared store, plans written to it. */
  readonly stats = { planned: 0, shared: 0, stored: 0 };

  constructor(private readonly options: PlansOptions) {}

  /** Remembers an operation served (its text), for the next prewarm and registry checks. */
  served(queryHash: string, body: string | undefined, name: string | undefined): void {
    if (body !== undefined && this.recent.get(queryHash) === undefined) this.recent.set(queryHash, { body, name });
  }

  /** Operations served lately, most recent last. */
  recentOperations(): Array<{ body: string; name: string | undefined }> {
    return this.recent.values();
  }

  /**
   * The prepared plan of an operation: from the state's plan cache (synchronously: the hot path), else from
   * the shared plan store (`queryPlan.shared`), else planned now. Keyed by the query's hash, the operation it
   * names (as resolved: a request that leaves out the name of a document's only operation shares the plan of
   * one that sends it), the active override labels and the caller's authorization outcome; the state is the
   * supergraph, so a new supergraph never sees an old plan and an unchanged one keeps them all.
   */
  prepare(state: SupergraphState, document: DocumentNode, queryHash: string, operationName: string | undefined, authorized?: AuthorizedOperation, overridePercentage?: number): Prepared {
    const override = state.override.roll(overridePercentage);
    const key = `${queryHash}\u0000${operationName ?? ''}\u0000${override.key}${authorized ? `\u0000${authorized.key}` : ''}`;
    const cached = state.plans.get(key);
    this.options.metrics?.cacheRequest('plan', cached ? 'hit' : 'miss');
    if (cached) return cached;
    const planned = authorized?.document ?? document;
    const conflict = state.planner.refuses(planned, state.schema);
    if (conflict) return conflict;
    const build = (): PreparedOperation | GraphQLError => {
      try {
        // Everything removed: nothing to fetch; the shaper still answers null for every root field.
        const plan: QueryPlan = authorized?.empty
          ? { kind: 'QueryPlan', node: undefined }
          : state.planner.plan(planned, operationName, override);
        this.stats.planned++;
        return this.finish(state, key, plan, document, operationName, authorized);
      } catch (err) {
        // Planner errors about the operation are safe to show; anything else is an internal failure.
        if (err instanceof GraphQLError) return junctionError('QUERY_PLANNING_FAILED', err.message);
        throw err;
      }
    };
    const shared = this.options.sharedPlans;
    if (!shared) return build();
    // Replicas may run different planners: a plan is shared only between replicas of the same planner.
    const sharedKey = createHash('sha256').update(`${state.id}\u0000${state.planner.kind}\u0000${key}`).digest('hex');
    return shared.get(sharedKey).then((text) => {
      const plan = text === undefined ? undefined : parsePlan(text);
      if (plan) {
        this.stats.shared++;
        return this.finish(state, key, plan, document, operationName, authorized);
      }
      const prepared = build();
      if (!(prepared instanceof GraphQLError)) {
        void shared.set(sharedKey, serializePlan(prepared.plan), SHARED_PLAN_TTL_MS).then((stored) => {
          if (stored) this.stats.stored++;
        });
      }
      return prepared;
    });
  }

  // The client's document is shaped, never the filtered one: with a guard, so what authorization removed is null.
  private finish(state: SupergraphState, key: string, plan: QueryPlan, document: DocumentNode, operationName: string | undefined, authorized: AuthorizedOperation | undefined): PreparedOperation {
    const guard = authorized?.allows;
    // Subscriptions and @defer always run on Junction's executor: @apollo/gateway's cannot run them.
    // Hive's plans (BatchFetch, type conditions in paths, multi-type rewrites) run only on Junction's executor too.
    const prepared = this.options.fastExecutor || onlyJunctionRuns(plan) || state.planner.kind === 'rust'
      ? prepareOperation(plan, document, operationName, state.schema, guard)
      : guard
        ? { plan, guarded: guardedShaper(document, operationName, state.schema, guard) }
        : { plan };
    state.plans.set(key, prepared);
    return prepared;
  }

  /**
   * Plans operations ahead of traffic (persisted-query manifests at start, after a manifest change, and on a
   * new supergraph before it is activated), as an unrestricted caller would run them. The event loop is
   * yielded between operations, so requests keep flowing while a large manifest is planned.
   */
  async prewarm(operations: Iterable<{ body: string; name?: string | undefined }>, state: SupergraphState): Promise<PrewarmResult> {
    const result: PrewarmResult = { planned: 0, failed: [] };
    for (const { body, name } of operations) {
      await new Promise((resolve) => setImmediate(resolve));
      let document: DocumentNode;
      try {
        document = parse(body);
      } catch (err) {
        result.failed.push({ name, reason: err instanceof Error ? err.message : String(err) });
        continue;
      }
      const invalid = validate(state.schema, document);
      if (invalid.length > 0) {
        result.failed.push({ name, reason: invalid[0]?.message ?? 'invalid' });
        continue;
      }
      // A manifest's name is a label; the document decides which operations exist.
      const defined = operationNames(document);
      const names = name !== undefined && defined.includes(name) ? [name] : defined;
      const queryHash = createHash('sha256').update(body).digest('hex');
      for (const operationName of names) {
        try {
          const prepared = await this.prepare(state, document, queryHash, operationName);
          if (prepared instanceof GraphQLError) result.failed.push({ name: operationName, reason: prepared.message });
          else result.planned++;
        } catch (err) {
          result.failed.push({ name: operationName, reason: err instanceof Error ? err.message : String(err) });
        }
      }
    }
    return result;
  }
}

const planSubgraphs = new WeakMap<QueryPlan, readonly string[]>();

/** The subgraphs a plan fetches from, sorted (computed once per plan). */
export function subgraphsOfPlan(plan: QueryPlan): readonly string[] {
  let names = planSubgraphs.get(plan);
  if (!names) {
    const found = new Set<string>();
    const walk = (node: unknown): void => {
      if (!node || typeof node !== 'object') return;
      const n = node as { kind?: string; serviceName?: string };
      if (n.kind === 'Fetch' && n.serviceName) found.add(n.serviceName);
      for (const value of Object.values(node)) if (value && typeof value === 'object') walk(value);
    };
    walk(plan.node);
    names = [...found].sort();
    planSubgraphs.set(plan, names);
  }
  return names;
}

// A plan as JSON: the fetches' parsed documents are left out (Junction's executor sends `operation` text and
// @apollo/gateway's only hands the document to data sources, which Junction's ignore).
function serializePlan(plan: QueryPlan): string {
  return JSON.stringify(plan, (key, value: unknown) => (key === 'operationDocumentNode' ? undefined : value));
}

function parsePlan(text: string): QueryPlan | undefined {
  try {
    const plan = JSON.parse(text) as QueryPlan;
    return plan && plan.kind === 'QueryPlan' ? plan : undefined;
  } catch {
    return undefined;
  }
}

/** The operations a document defines, by name (undefined for an anonymous one). */
function operationNames(document: DocumentNode): Array<string | undefined> {
  return document.definitions.flatMap((d) => (d.kind === Kind.OPERATION_DEFINITION ? [d.name?.value] : []));
}
