import type { DocumentNode, GraphQLSchema, OperationDefinitionNode } from 'graphql';
import { Kind } from 'graphql';
import { deferredOperation, type DeferredOperation } from './deferredFragments';
import { compileSelectionShaper, compileShaper, type FieldGuard, type SelectionShaper, type Shaper } from './shaper';

/** The shapers of an operation's parts (`@defer` to a client that takes parts), compiled once per plan. */
export interface DeferredShapers {
  /** The primary part: the operation without what is deferred. */
  primary: Shaper;
  /** Each deferred fragment, by the label in the plan. */
  parts: ReadonlyMap<string, { clientLabel: string | undefined; shape: SelectionShaper }>;
  /** The innermost deferred fragment a response path (no list indices) lies in; undefined: the primary part. */
  labelAt(path: readonly (string | number)[]): string | undefined;
}

/** Undefined when the document has no `@defer` (its plan has no Defer node). */
export function compileDeferredShapers(schema: GraphQLSchema, document: DocumentNode, operationName: string | undefined, guard: FieldGuard | undefined): DeferredShapers | undefined {
  const deferred = deferredOperation(schema, document);
  if (!deferred) return undefined;
  const operation = pick(deferred.primary, operationName);
  if (!operation) return undefined;
  const parts = new Map<string, { clientLabel: string | undefined; shape: SelectionShaper }>();
  for (const [label, fragment] of deferred.byLabel) {
    parts.set(label, { clientLabel: fragment.clientLabel, shape: compileSelectionShaper(schema, fragment.parent, fragment.selectionSet.selections, deferred.fragments, guard) });
  }
  const labelled = pick(deferred.labelled, operationName);
  return { primary: compileShaper(schema, operation, deferred.fragments, guard), parts, labelAt: (path) => (labelled ? labelAt(labelled, deferred, path) : undefined) };
}

function pick(document: DocumentNode, name: string | undefined): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  return name ? operations.find((o) => o.name?.value === name) : operations.length === 1 ? operations[0] : undefined;
}

/**
 * Where a field of the response is delivered: walks the labelled operation along the path's response keys and
 * answers the innermost `@defer` label passed through (a field also selected outside any defer is primary's).
 */
function labelAt(operation: OperationDefinitionNode, deferred: DeferredOperation, path: readonly (string | number)[]): string | undefined {
  const keys = path.filter((p): p is string => typeof p === 'string');
  let best: { label: string | undefined; depth: number } | undefined;
  const walk = (selections: OperationDefinitionNode['selectionSet']['selections'], depth: number, label: string | undefined, seen: Set<string>): void => {
    for (const sel of selections) {
      if (sel.kind === Kind.FIELD) {
        if ((sel.alias ?? sel.name).value !== keys[depth]) continue;
        if (depth === keys.length - 1) {
          // Primary wins over any deferred place of the same field.
          if (!best || (best.label !== undefined && label === undefined)) best = { label, depth };
        } else if (sel.selectionSet) walk(sel.selectionSet.selections, depth + 1, label, seen);
        continue;
      }
      const own = sel.directives?.find((d) => d.name.value === 'defer')?.arguments?.find((a) => a.name.value === 'label')?.value;
      const inner = own?.kind === Kind.STRING ? own.value : label;
      if (sel.kind === Kind.INLINE_FRAGMENT) walk(sel.selectionSet.selections, depth, inner, seen);
      else {
        if (seen.has(sel.name.value)) continue;
        const fragment = deferred.labelled.definitions.find((d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === sel.name.value);
        if (fragment && fragment.kind === Kind.FRAGMENT_DEFINITION) walk(fragment.selectionSet.selections, depth, inner, new Set([...seen, sel.name.value]));
      }
    }
  };
  walk(operation.selectionSet.selections, 0, undefined, new Set());
  return best?.label;
}
