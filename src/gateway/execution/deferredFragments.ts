import {
  getNamedType,
  isCompositeType,
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type ArgumentNode,
  type DirectiveNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';

/** Labels Junction gives `@defer`s the client left unlabelled (never shown to the client). */
const INTERNAL_LABEL = '__junction_defer_';

/** One `@defer` of an operation: what its part shapes, on which type, and the label the client sees. */
export interface DeferredFragment {
  /** The client's label; undefined when it gave none (the plan carries Junction's own). */
  clientLabel: string | undefined;
  /** The type the fragment's selections apply to. */
  parent: GraphQLCompositeType;
  /** Its selections, with `@defer`s nested inside them already turned into skips (they are parts of their own). */
  selectionSet: SelectionSetNode;
}

export interface DeferredOperation {
  /** The client's document with every `@defer` labelled: what is authorized and planned. */
  labelled: DocumentNode;
  /**
   * The same with every deferred fragment skipped when deferred (`@defer(if: X)` → `@skip(if: X)`): what the
   * primary part shapes. `@defer(if: false)` is no defer at all.
   */
  primary: DocumentNode;
  /** Named fragments of `primary` (what a part's selections may spread). */
  fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  /** By the label in the plan. */
  byLabel: ReadonlyMap<string, DeferredFragment>;
}

const hasDefer = (directives: readonly DirectiveNode[] | undefined): DirectiveNode | undefined => directives?.find((d) => d.name.value === 'defer');

/**
 * Prepares an operation with `@defer` for planning and shaping (once per cached plan): a label on every
 * `@defer` — the planner keeps labels, so each Defer node of the plan names the fragment it delivers — and the
 * documents each part is shaped from. Undefined when the document has no `@defer`.
 */
export function deferredOperation(schema: GraphQLSchema, document: DocumentNode): DeferredOperation | undefined {
  let next = 0;
  const parents = new Map<string, GraphQLCompositeType>();
  const fragmentTypes = new Map<string, GraphQLCompositeType>();
  for (const def of document.definitions) {
    if (def.kind !== Kind.FRAGMENT_DEFINITION) continue;
    const type = schema.getType(def.typeCondition.name.value);
    if (type && isCompositeType(type)) fragmentTypes.set(def.name.value, type);
  }
  const typeInfo = new TypeInfo(schema);
  const clientLabels = new Map<string, string | undefined>();
  const labelOf = (directive: DirectiveNode): { directive: DirectiveNode; label: string } => {
    const given = directive.arguments?.find((a) => a.name.value === 'label')?.value;
    if (given?.kind === Kind.STRING) {
      // Labelled by Junction on an earlier pass (the plan cache prepares a labelled document): still internal.
      clientLabels.set(given.value, given.value.startsWith(INTERNAL_LABEL) ? undefined : given.value);
      return { directive, label: given.value };
    }
    const label = `${INTERNAL_LABEL}${next++}`;
    clientLabels.set(label, undefined);
    const argument: ArgumentNode = { kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: 'label' }, value: { kind: Kind.STRING, value: label } };
    return { directive: { ...directive, arguments: [...(directive.arguments ?? []), argument] }, label };
  };
  const withLabel = (directives: readonly DirectiveNode[], parent: GraphQLCompositeType | undefined): readonly DirectiveNode[] =>
    directives.map((d) => {
      if (d.name.value !== 'defer') return d;
      const labelled = labelOf(d);
      if (parent) parents.set(labelled.label, parent);
      return labelled.directive;
    });
  let found = false;
  const labelled = visit(
    document,
    visitWithTypeInfo(typeInfo, {
      InlineFragment(node) {
        if (!hasDefer(node.directives)) return undefined;
        found = true;
        const type = node.typeCondition ? schema.getType(node.typeCondition.name.value) : typeInfo.getParentType();
        return { ...node, directives: withLabel(node.directives ?? [], type && isCompositeType(type) ? type : undefined) };
      },
      FragmentSpread(node) {
        if (!hasDefer(node.directives)) return undefined;
        found = true;
        return { ...node, directives: withLabel(node.directives ?? [], fragmentTypes.get(node.name.value)) };
      },
    }),
  );
  if (!found) return undefined;

  // The primary document, and each part's selections as they stand in it.
  const partSelections = new Map<string, SelectionSetNode | string>();
  const labelIn = (d: DirectiveNode): string | undefined => {
    const v = d.arguments?.find((a) => a.name.value === 'label')?.value;
    return v?.kind === Kind.STRING ? v.value : undefined;
  };
  const primary = visit(labelled, {
    InlineFragment: {
      leave(node) {
        const directive = hasDefer(node.directives);
        if (!directive) return undefined;
        const label = labelIn(directive);
        if (label !== undefined) partSelections.set(label, node.selectionSet);
        return { ...node, directives: asSkip(node.directives ?? []) };
      },
    },
    FragmentSpread: {
      leave(node) {
        const directive = hasDefer(node.directives);
        if (!directive) return undefined;
        const label = labelIn(directive);
        if (label !== undefined) partSelections.set(label, node.name.value);
        return { ...node, directives: asSkip(node.directives ?? []) };
      },
    },
  });
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of primary.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const byLabel = new Map<string, DeferredFragment>();
  for (const [label, selections] of partSelections) {
    const parent = parents.get(label);
    const selectionSet = typeof selections === 'string' ? fragments.get(selections)?.selectionSet : selections;
    if (!parent || !selectionSet) continue;
    byLabel.set(label, { clientLabel: clientLabels.get(label), parent: getNamedType(parent) as GraphQLCompositeType, selectionSet });
  }
  return { labelled, primary, fragments, byLabel };
}

/**
 * `@defer(if: X, label)` → `@skip(if: X)` (X defaults to true): the primary part leaves out what is deferred,
 * and includes it when the client turned the defer off. `@defer(if: false)` is dropped.
 */
function asSkip(directives: readonly DirectiveNode[]): DirectiveNode[] {
  const out: DirectiveNode[] = [];
  for (const d of directives) {
    if (d.name.value !== 'defer') {
      out.push(d);
      continue;
    }
    const condition = d.arguments?.find((a) => a.name.value === 'if')?.value ?? { kind: Kind.BOOLEAN, value: true };
    if (condition.kind === Kind.BOOLEAN && !condition.value) continue;
    out.push({ kind: Kind.DIRECTIVE, name: { kind: Kind.NAME, value: 'skip' }, arguments: [{ kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: 'if' }, value: condition }] });
  }
  return out;
}

const labelledDocuments = new WeakMap<DocumentNode, DocumentNode>();

/**
 * The document that is authorized and planned: the client's, or, when it uses `@defer`, the same with every
 * defer labelled (memoized per parsed document: Apollo Server hands the same object for the same text).
 */
export function plannedDocument(schema: GraphQLSchema, document: DocumentNode, source: string | undefined): DocumentNode {
  if (source !== undefined && !source.includes('@defer')) return document;
  let labelled = labelledDocuments.get(document);
  if (!labelled) {
    labelled = deferredOperation(schema, document)?.labelled ?? document;
    labelledDocuments.set(document, labelled);
  }
  return labelled;
}
