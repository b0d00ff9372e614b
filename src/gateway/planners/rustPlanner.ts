import { QueryPlanner } from '@graphql-hive/router-query-planner';
import { BREAK, GraphQLError, Kind, print, visit, type DocumentNode, type GraphQLSchema, type SelectionNode } from 'graphql';
import { requiresConflictsOf } from '../requiresConflicts';
import type { Planner } from './planner';
import { fromRustPlan } from './rustPlan';

/** Operation texts as the Rust planner takes them, printed once per (cached) document. */
const printed = new WeakMap<DocumentNode, string>();

/**
 * Hive Router's planner (@graphql-hive/router-query-planner, a Node addon), built from the supergraph SDL. Its
 * plans are translated to Apollo's shape (rustPlan.ts). It plans the top-level @requires cases Apollo's planner
 * gets wrong, but sends one value for a nested required field selected with two argument sets: those
 * operations are refused up front (requiresConflicts.ts, nestedOnly).
 */
export function rustPlanner(supergraphSdl: string, introspection: () => Planner, supergraphSchema: GraphQLSchema): Planner {
  const planner = new QueryPlanner(supergraphSdl);
  const conflicts = requiresConflictsOf(supergraphSchema, { nestedOnly: true });
  // Hive's planner does not plan introspection (`__schema`, `__type`), and plans `@defer` as if it were absent:
  // those operations go to Apollo's planner, built on first use (introspection is answered from its plans as
  // stock does; `@defer` keeps its parts).
  let apollo: Planner | undefined;
  return {
    kind: 'rust',
    plan(document, operationName, override) {
      if (needsApollo(document)) return (apollo ??= introspection()).plan(document, operationName, override);
      let text = printed.get(document);
      if (text === undefined) printed.set(document, (text = print(document)));
      try {
        return fromRustPlan(planner.plan(text, operationName ?? null, new Set(override.active), override.percentage));
      } catch (err) {
        // The addon throws plain Errors: the planner's message, as a GraphQL error (QUERY_PLANNING_FAILED upstream).
        throw err instanceof GraphQLError ? err : new GraphQLError(err instanceof Error ? err.message : String(err));
      }
    },
    refuses: (document, schema) => conflicts.check(document, schema),
  };
}

const needs = new WeakMap<DocumentNode, boolean>();

/**
 * Whether a document asks for introspection (`__schema`, `__type` at the root; not `__typename`, which Hive
 * plans) or uses `@defer` anywhere. Once per (cached) document.
 */
function needsApollo(document: DocumentNode): boolean {
  let known = needs.get(document);
  if (known !== undefined) return known;
  let found = false;
  const root = (selections: readonly SelectionNode[]): boolean =>
    selections.some((s) => (s.kind === Kind.FIELD ? s.name.value === '__schema' || s.name.value === '__type' : s.kind === Kind.INLINE_FRAGMENT ? root(s.selectionSet.selections) : false));
  for (const d of document.definitions) if ((d.kind === Kind.OPERATION_DEFINITION || d.kind === Kind.FRAGMENT_DEFINITION) && root(d.selectionSet.selections)) found = true;
  if (!found) {
    visit(document, {
      Directive(node) {
        if (node.name.value !== 'defer') return undefined;
        found = true;
        return BREAK;
      },
    });
  }
  needs.set(document, (known = found));
  return known;
}
