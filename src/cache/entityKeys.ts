import { Kind, parse, type ConstDirectiveNode, type GraphQLSchema, type SelectionSetNode } from 'graphql';

/** A `@key(fields:)` field set as a tree: field name → its own sub-selection (null for a leaf). */
export type KeyFields = ReadonlyMap<string, KeyFields | null>;

/**
 * The entity keys of a supergraph, read from its `@join__type(graph:, key:)` applications: for each type,
 * the key field sets each subgraph declares. Used to name an entity (`Product` + `{ upc: "1" }`) from a
 * representation or a result object, for the entity cache and invalidation.
 */
export class EntityKeys {
  private constructor(
    private readonly byType: ReadonlyMap<string, ReadonlyMap<string, readonly KeyFields[]>>,
    /** "type\0subgraph" → the keys that subgraph resolves (empty: it declares keys but resolves none). */
    private readonly resolvable: ReadonlyMap<string, readonly KeyFields[]>,
  ) {}

  static of(supergraphSchema: GraphQLSchema): EntityKeys {
    const graphs = new Map<string, string>();
    const graphEnum = supergraphSchema.getType('join__Graph');
    for (const value of graphEnum?.astNode?.kind === Kind.ENUM_TYPE_DEFINITION ? (graphEnum.astNode.values ?? []) : []) {
      const name = stringArgument(value.directives?.find((d) => d.name.value === 'join__graph'), 'name');
      if (name) graphs.set(value.name.value, name);
    }
    const byType = new Map<string, Map<string, KeyFields[]>>();
    const resolvable = new Map<string, KeyFields[]>();
    for (const type of Object.values(supergraphSchema.getTypeMap())) {
      const nodes = [type.astNode, ...(('extensionASTNodes' in type ? type.extensionASTNodes : undefined) ?? [])];
      for (const node of nodes) {
        for (const directive of (node as { directives?: readonly ConstDirectiveNode[] } | null | undefined)?.directives ?? []) {
          if (directive.name.value !== 'join__type') continue;
          const key = stringArgument(directive, 'key');
          const graph = directive.arguments?.find((a) => a.name.value === 'graph')?.value;
          const subgraph = graph?.kind === Kind.ENUM ? graphs.get(graph.value) : undefined;
          if (!key || !subgraph) continue;
          let bySubgraph = byType.get(type.name);
          if (!bySubgraph) byType.set(type.name, (bySubgraph = new Map()));
          const keys = bySubgraph.get(subgraph) ?? [];
          const fields = fieldsOf(parse(`{${key}}`, { noLocation: true }).definitions[0] as { selectionSet: SelectionSetNode });
          keys.push(fields);
          bySubgraph.set(subgraph, keys);
          const id = `${type.name}\u0000${subgraph}`;
          const own = resolvable.get(id) ?? [];
          resolvable.set(id, own);
          const flag = directive.arguments?.find((a) => a.name.value === 'resolvable')?.value;
          if (!(flag?.kind === Kind.BOOLEAN && !flag.value)) own.push(fields);
        }
      }
    }
    return new EntityKeys(byType, resolvable);
  }

  /**
   * The keys `subgraph` resolves `type` by (`@key` without `resolvable: false`): empty when it declares keys but
   * resolves none, undefined when it declares no key for the type.
   */
  resolvableKeys(type: string, subgraph: string): readonly KeyFields[] | undefined {
    return this.resolvable.get(`${type}\u0000${subgraph}`);
  }

  isEntity(type: string): boolean {
    return this.byType.has(type);
  }

  /**
   * The entity's key, as the first key field set (of `subgraph`, or of any subgraph) the object holds in
   * full: `{ upc: "1" }`. Undefined when the type is no entity or the object lacks every key.
   */
  keyOf(type: string, object: Readonly<Record<string, unknown>>, subgraph?: string): Record<string, unknown> | undefined {
    const bySubgraph = this.byType.get(type);
    if (!bySubgraph) return undefined;
    const candidates = subgraph !== undefined ? (bySubgraph.get(subgraph) ?? []) : [...bySubgraph.values()].flat();
    for (const fields of candidates) {
      const key = project(object, fields);
      if (key !== undefined) return key;
    }
    return undefined;
  }
}

function fieldsOf(node: { selectionSet: SelectionSetNode }): KeyFields {
  const fields = new Map<string, KeyFields | null>();
  for (const selection of node.selectionSet.selections) {
    if (selection.kind === Kind.FIELD) fields.set(selection.name.value, selection.selectionSet ? fieldsOf(selection as { selectionSet: SelectionSetNode }) : null);
  }
  return fields;
}

function project(object: Readonly<Record<string, unknown>>, fields: KeyFields): Record<string, unknown> | undefined {
  const key: Record<string, unknown> = {};
  for (const [name, sub] of fields) {
    const value = object[name];
    if (value === undefined || value === null) return undefined;
    if (sub === null) {
      key[name] = value;
      continue;
    }
    if (typeof value !== 'object' || Array.isArray(value)) return undefined;
    const nested = project(value as Record<string, unknown>, sub);
    if (nested === undefined) return undefined;
    key[name] = nested;
  }
  return key;
}

function stringArgument(directive: ConstDirectiveNode | undefined, name: string): string | undefined {
  const value = directive?.arguments?.find((a) => a.name.value === name)?.value;
  return value?.kind === Kind.STRING ? value.value : undefined;
}
