import type { PlanNode, QueryPlan, QueryPlanSelectionNode } from '@apollo/query-planner';
import type * as Rust from '@graphql-hive/router-query-planner';
import type { BatchFetchNode, DataRewrite } from '../execution';

const TYPE_CONDITION = '... on ';

/**
 * A Hive plan in Apollo's JSON shape: path segments `{ Field }`, `"@"`, `{ TypeCondition: [...] }` become the
 * strings `field`, `@`, `... on A|B`; rewrites `{ ValueSetter }` / `{ KeyRenamer }` with `{ Key }` /
 * `{ TypenameEquals }` segments become Apollo's `{ kind, path }` rewrites. `BatchFetch` stays as it is (paths
 * and rewrites translated the same way).
 */
export function fromRustPlan(plan: Rust.QueryPlan): QueryPlan {
  const top = plan.node;
  // A subscription: Hive plans `Sequence [Subscription { primary }, …rest]`; Apollo's shape (what the executor
  // runs per event) is `Subscription { primary, rest }`.
  if (top?.kind === 'Sequence' && top.nodes[0]?.kind === 'Subscription') {
    const [first, ...rest] = top.nodes as [Rust.SubscriptionNode, ...Rust.PlanNode[]];
    const restNode = rest.length === 0 ? undefined : rest.length === 1 ? node(rest[0] as Rust.PlanNode) : { kind: 'Sequence', nodes: rest.map(node) };
    return { kind: 'QueryPlan', node: { kind: 'Subscription', primary: fetch(first.primary), ...(restNode ? { rest: restNode } : {}) } as unknown as PlanNode };
  }
  return { kind: 'QueryPlan', node: top ? (node(top) as PlanNode) : undefined };
}

function node(n: Rust.PlanNode): PlanNode | BatchFetchNode {
  switch (n.kind) {
    case 'Fetch':
      return fetch(n) as unknown as PlanNode;
    case 'BatchFetch':
      return {
        kind: 'BatchFetch',
        serviceName: n.serviceName,
        variableUsages: n.variableUsages ?? [],
        operationKind: n.operationKind,
        operationName: n.operationName,
        operation: n.operation,
        entityBatch: {
          aliases: n.entityBatch.aliases.map((a) => ({
            alias: a.alias,
            representationsVariableName: a.representationsVariableName,
            paths: a.paths.map(flattenPath),
            ...withAliasedRequires(a.requires, rewrites(a.inputRewrites)),
            outputRewrites: rewrites(a.outputRewrites),
          })),
        },
      };
    case 'Sequence':
    case 'Parallel':
      return { kind: n.kind, nodes: n.nodes.map(node) } as PlanNode;
    case 'Flatten':
      return { kind: 'Flatten', path: flattenPath(n.path), node: node(n.node) } as PlanNode;
    case 'Condition':
      return { kind: 'Condition', condition: n.condition, ifClause: n.ifClause ? (node(n.ifClause) as PlanNode) : undefined, elseClause: n.elseClause ? (node(n.elseClause) as PlanNode) : undefined };
    case 'Subscription': {
      const rest = (n as { rest?: Rust.PlanNode }).rest;
      return { kind: 'Subscription', primary: fetch(n.primary), ...(rest ? { rest: node(rest) } : {}) } as unknown as PlanNode;
    }
    case 'Defer':
      return {
        kind: 'Defer',
        primary: { subselection: n.primary.subselection, node: n.primary.node ? (node(n.primary.node) as PlanNode) : undefined },
        deferred: n.deferred.map((d) => ({ ...d, node: d.node ? (node(d.node) as PlanNode) : undefined })),
      } as PlanNode;
  }
}

function fetch(f: Rust.FetchNode): Record<string, unknown> {
  return {
    kind: 'Fetch',
    serviceName: f.serviceName,
    variableUsages: f.variableUsages ?? [],
    operationKind: f.operationKind ?? 'query',
    ...(f.operationName ? { operationName: f.operationName } : {}),
    operation: f.operation,
    ...(f.requires && f.requires.length > 0 ? withAliasedRequires(f.requires, rewrites(f.inputRewrites)) : f.inputRewrites?.length ? { inputRewrites: rewrites(f.inputRewrites) } : {}),
    ...(f.outputRewrites?.length ? { outputRewrites: rewrites(f.outputRewrites) } : {}),
  };
}

/**
 * Hive's requires may read a field from an alias the planner gave it (`{ name: "_internal_qp_alias_0", alias:
 * "price" }`: the entity holds `_internal_qp_alias_0`, the representation must say `price`), where Apollo's
 * alias is both. Translated to Apollo's shape: the field is read under its name, then an input KeyRenamer
 * renames it in the representation.
 */
function withAliasedRequires(requires: readonly Rust.RequiresSelection[], inputRewrites: DataRewrite[] | undefined): { requires: QueryPlanSelectionNode[]; inputRewrites?: DataRewrite[] } {
  const renames: DataRewrite[] = [];
  const strip = (selections: readonly QueryPlanSelectionNode[], path: readonly string[]): QueryPlanSelectionNode[] =>
    selections.map((sel) => {
      if (sel.kind === 'InlineFragment') {
        const at = sel.typeCondition ? [...path, `${TYPE_CONDITION}${sel.typeCondition}`] : path;
        return { ...sel, selections: strip(sel.selections, at) };
      }
      const { alias, ...field } = sel;
      if (alias && alias !== field.name) renames.push({ kind: 'KeyRenamer', path: [...path, field.name], renameKeyTo: alias });
      return field.selections ? { ...field, selections: strip(field.selections, [...path, field.name]) } : field;
    });
  const stripped = strip(requires as unknown as QueryPlanSelectionNode[], []);
  const all = [...renames, ...(inputRewrites ?? [])];
  return { requires: stripped, ...(all.length > 0 ? { inputRewrites: all } : {}) };
}

function flattenPath(path: readonly Rust.FlattenNodePathSegment[]): string[] {
  return path.map((s) => (s === '@' ? '@' : 'Field' in s ? s.Field : `${TYPE_CONDITION}${s.TypeCondition.join('|')}`));
}

function rewrites(list: readonly Rust.FetchRewrite[] | undefined): DataRewrite[] | undefined {
  if (!list || list.length === 0) return undefined;
  return list.map((r): DataRewrite => {
    if ('KeyRenamer' in r) return { kind: 'KeyRenamer', path: rewritePath(r.KeyRenamer.path), renameKeyTo: r.KeyRenamer.renameKeyTo };
    const setter = 'ValueSetter' in r ? r.ValueSetter : r;
    return { kind: 'ValueSetter', path: rewritePath(setter.path), setValueTo: setter.setValueTo };
  });
}

function rewritePath(path: readonly Rust.FetchNodePathSegment[]): string[] {
  return path.map((s) => ('Key' in s ? s.Key : `${TYPE_CONDITION}${s.TypenameEquals.join('|')}`));
}
