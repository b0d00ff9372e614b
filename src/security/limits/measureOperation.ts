import { Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';

/** What the limits are checked against, counted through fragment spreads and inline fragments. */
export interface OperationMeasures {
  /** Deepest field nesting (a root field is depth 1). */
  depth: number;
  /** Distinct field names selected anywhere in the operation. */
  height: number;
  /** Aliased fields, as if every fragment spread were expanded. */
  aliases: number;
  /** Fields at the root of the operation, fragments expanded. */
  rootFields: number;
  /** Directive applications, fragments expanded. */
  directives: number;
  /** Field selections once every fragment is expanded: what a "billion laughs" document inflates. */
  selections: number;
  /** Deepest nesting below `__schema` / `__type`. */
  introspectionDepth: number;
}

interface Stats {
  fields: number;
  /** Fields at this selection set's own level (fragments expanded). */
  rootFields: number;
  aliases: number;
  directives: number;
  depth: number;
  introspectionDepth: number;
  names: Set<string>;
}

// Counts stay exact up to here; beyond, they only need to be "more than any limit".
const CEILING = Number.MAX_SAFE_INTEGER;
const add = (a: number, b: number): number => Math.min(CEILING, a + b);

/**
 * Measures one operation of a parsed (not yet validated) document. Each fragment is measured once and its
 * counts reused at every spread, so a document whose expansion is astronomically large is measured in time
 * proportional to its text; a fragment cycle (which validation rejects later) counts as empty.
 */
export function measureOperation(document: DocumentNode, operationName: string | undefined): OperationMeasures | undefined {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  if (!operation) return undefined;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);

  const memo = new Map<string, Stats>();
  const visiting = new Set<string>();
  const EMPTY: Stats = { fields: 0, aliases: 0, directives: 0, rootFields: 0, depth: 0, introspectionDepth: 0, names: new Set() };

  const fragmentStats = (name: string): Stats => {
    const known = memo.get(name);
    if (known) return known;
    const fragment = fragments.get(name);
    if (!fragment || visiting.has(name)) return EMPTY;
    visiting.add(name);
    const stats = setStats(fragment.selectionSet);
    visiting.delete(name);
    memo.set(name, stats);
    return stats;
  };

  const setStats = (set: SelectionSetNode): Stats => {
    const stats: Stats = { fields: 0, aliases: 0, directives: 0, rootFields: 0, depth: 0, introspectionDepth: 0, names: new Set() };
    // The same fragment spread many times adds its names once (keeps a crafted document linear).
    const namesFrom = new Set<Stats>();
    const merge = (other: Stats): void => {
      stats.fields = add(stats.fields, other.fields);
      stats.aliases = add(stats.aliases, other.aliases);
      stats.directives = add(stats.directives, other.directives);
      stats.rootFields = add(stats.rootFields, other.rootFields);
      stats.depth = Math.max(stats.depth, other.depth);
      stats.introspectionDepth = Math.max(stats.introspectionDepth, other.introspectionDepth);
      if (!namesFrom.has(other)) {
        namesFrom.add(other);
        for (const n of other.names) stats.names.add(n);
      }
    };
    for (const sel of set.selections) {
      stats.directives = add(stats.directives, sel.directives?.length ?? 0);
      if (sel.kind === Kind.FIELD) {
        const name = sel.name.value;
        const introspection = name === '__schema' || name === '__type';
        stats.fields = add(stats.fields, 1);
        stats.rootFields = add(stats.rootFields, 1);
        if (sel.alias) stats.aliases = add(stats.aliases, 1);
        stats.names.add(name);
        if (!sel.selectionSet) {
          stats.depth = Math.max(stats.depth, 1);
          if (introspection) stats.introspectionDepth = Math.max(stats.introspectionDepth, 1);
          continue;
        }
        const sub = setStats(sel.selectionSet);
        stats.fields = add(stats.fields, sub.fields);
        stats.aliases = add(stats.aliases, sub.aliases);
        stats.directives = add(stats.directives, sub.directives);
        stats.depth = Math.max(stats.depth, sub.depth + 1);
        stats.introspectionDepth = Math.max(stats.introspectionDepth, introspection ? sub.depth + 1 : sub.introspectionDepth);
        for (const n of sub.names) stats.names.add(n);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        merge(setStats(sel.selectionSet));
      } else {
        merge(fragmentStats(sel.name.value));
      }
    }
    return stats;
  };

  const root = setStats(operation.selectionSet);
  return {
    depth: root.depth,
    height: root.names.size,
    aliases: root.aliases,
    rootFields: root.rootFields,
    directives: add(root.directives, operation.directives?.length ?? 0),
    selections: root.fields,
    introspectionDepth: root.introspectionDepth,
  };
}
