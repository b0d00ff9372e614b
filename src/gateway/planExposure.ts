import { prettyFormatQueryPlan as apolloPretty, type QueryPlan } from '@apollo/query-planner';
import type { GraphQLError } from 'graphql';
import type { BatchFetchNode } from './execution';

/** Which plan a client asked to see, in either Apollo dialect (PROTOCOLS.md "Query-plan inspection"). */
export interface PlanRequest {
  /** `Apollo-Query-Plan-Experimental` (Apollo Sandbox / @apollo/gateway), with its format. */
  experimental?: 'prettified' | 'internal' | 'unknown';
  /** `Apollo-Expose-Query-Plan: true | dry-run` (Apollo Router). */
  router?: 'true' | 'dry-run';
}

interface HeaderReader {
  get(name: string): string | null | undefined;
}

export function requestedPlan(headers: HeaderReader | undefined): PlanRequest | undefined {
  if (!headers) return undefined;
  const experimental = headers.get('apollo-query-plan-experimental');
  const router = headers.get('apollo-expose-query-plan')?.trim().toLowerCase();
  if (!experimental && router !== 'true' && router !== 'dry-run') return undefined;
  const request: PlanRequest = {};
  if (experimental) {
    const format = (headers.get('apollo-query-plan-experimental-format') ?? 'prettified').trim().toLowerCase();
    request.experimental = format === 'prettified' || format === 'internal' ? format : 'unknown';
  }
  if (router === 'true' || router === 'dry-run') request.router = router;
  return request;
}

/** The extensions that carry the plan; merged into (never replacing) the response's other extensions. */
export function planExtensions(plan: QueryPlan, request: PlanRequest): Record<string, unknown> {
  const extensions: Record<string, unknown> = {};
  if (request.experimental) {
    extensions.__queryPlanExperimental =
      request.experimental === 'prettified' ? (plan.node ? prettyFormatQueryPlan(plan) : true) : request.experimental === 'internal' ? planObject(plan) : true;
  }
  if (request.router) {
    extensions.apolloQueryPlan = { object: planObject(plan), text: prettyFormatQueryPlan(plan) };
  }
  return extensions;
}

/**
 * A plan as Sandbox shows it (Apollo's pretty text), for either planner: a `BatchFetch` of Hive's planner prints as
 * `BatchFetch(service: "…", paths: "…")` around the one request it sends, everything else as Apollo prints it.
 */
export function prettyFormatQueryPlan(plan: QueryPlan): string {
  return apolloPretty(JSON.stringify(plan).includes('"BatchFetch"') ? (printable(plan) as QueryPlan) : plan);
}

function printable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(printable);
  if (!value || typeof value !== 'object') return value;
  const node = value as Record<string, unknown>;
  if (node.kind === 'BatchFetch') {
    const batch = node as unknown as BatchFetchNode;
    const paths = batch.entityBatch.aliases.flatMap((a) => a.paths.map((p) => p.join('.'))).join(', ');
    // Its one request, as sent (one `_entities` alias per path group), on one line.
    return { kind: `BatchFetch(service: "${batch.serviceName}", paths: "${paths}")`, nodes: [{ kind: batch.operation }] };
  }
  const copy: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(node)) copy[key] = key === 'operationDocumentNode' ? undefined : printable(inner);
  return copy;
}

const objects = new WeakMap<QueryPlan, unknown>();

// The plan as JSON, without the parsed subgraph documents (the `operation` text already says the same).
function planObject(plan: QueryPlan): unknown {
  let object = objects.get(plan);
  if (object === undefined) {
    object = JSON.parse(JSON.stringify(plan, (key, value: unknown) => (key === 'operationDocumentNode' ? undefined : value)));
    objects.set(plan, object);
  }
  return object;
}

/** A dry run's word on what authorization took out of the plan: each removed field's path and why. */
export function removedByAuthorization(errors: readonly GraphQLError[] | undefined): Record<string, unknown> {
  if (!errors || errors.length === 0) return {};
  return { removedByAuthorization: errors.map((e) => ({ path: (e.path ?? []).join('.'), code: e.extensions.code, message: e.message })) };
}
