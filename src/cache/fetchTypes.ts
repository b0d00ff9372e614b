import type { FetchNode } from '@apollo/query-planner';
import { cacheTag } from './invalidation';
import { getNamedType, isCompositeType, Kind, parse, TypeInfo, visit, visitWithTypeInfo, type GraphQLSchema } from 'graphql';

/** The object types one subgraph fetch can return, for tagging what is cached from it. */
export interface FetchTypes {
  /** The entity types an `_entities` fetch asks for (its `... on T` conditions); empty for a root fetch. */
  readonly entities: readonly string[];
  /** Composite types below the top level (every composite type of a root fetch). */
  readonly nested: readonly string[];
}

const cache = new WeakMap<FetchNode, FetchTypes>();
const SKIPPED = new Set(['_Entity', '_Service', '_Any']);

/** Computed once per fetch node (plans are cached, so once per planned operation). */
export function fetchTypesOf(fetch: FetchNode, supergraphSchema: GraphQLSchema): FetchTypes {
  let types = cache.get(fetch);
  if (types) return types;
  const roots = new Set([supergraphSchema.getQueryType(), supergraphSchema.getMutationType(), supergraphSchema.getSubscriptionType()].map((t) => t?.name));
  const entities = new Set<string>();
  const nested = new Set<string>();
  const typeInfo = new TypeInfo(supergraphSchema);
  let entitiesDepth = -1;
  let depth = 0;
  visit(
    parse(fetch.operation, { noLocation: true }),
    visitWithTypeInfo(typeInfo, {
      SelectionSet: { enter: () => void depth++, leave: () => void depth-- },
      Field: {
        enter(node) {
          if (node.name.value === '_entities' && fetch.requires) entitiesDepth = depth;
          const named = getNamedType(typeInfo.getType());
          if (named && isCompositeType(named) && !roots.has(named.name) && !SKIPPED.has(named.name)) nested.add(named.name);
        },
      },
      InlineFragment: {
        enter(node) {
          const condition = node.typeCondition?.name.value;
          if (!condition || SKIPPED.has(condition)) return;
          // `_entities { ... on Product { … } }`: the fragment sits one selection set below the field.
          if (entitiesDepth >= 0 && depth === entitiesDepth + 1) entities.add(condition);
          else nested.add(condition);
        },
      },
    }),
  );
  types = { entities: [...entities], nested: [...nested] };
  cache.set(fetch, types);
  return types;
}

/**
 * The invalidation tags of what a fetch returns: `entry` for an entity-cache entry (its entity's own tags are
 * added per entity), `response` for a whole response built from it (no key is known there: unkeyed tags).
 */
export interface FetchTags {
  readonly entry: readonly string[];
  readonly response: readonly string[];
}

const tagCache = new WeakMap<FetchNode, FetchTags>();

export function fetchTagsOf(fetch: FetchNode, supergraphSchema: GraphQLSchema): FetchTags {
  let tags = tagCache.get(fetch);
  if (tags) return tags;
  const types = fetchTypesOf(fetch, supergraphSchema);
  const entry = [cacheTag.subgraph(fetch.serviceName)];
  for (const t of types.entities) entry.push(cacheTag.type(t));
  for (const t of types.nested) entry.push(cacheTag.type(t), cacheTag.unkeyed(t));
  const response = [...entry, ...types.entities.map(cacheTag.unkeyed)];
  tags = { entry, response };
  tagCache.set(fetch, tags);
  return tags;
}
