import type { QueryPlanSelectionNode } from '@apollo/query-planner';
import { isAbstractType, isInterfaceType, isObjectType, Kind, type GraphQLSchema } from 'graphql';
import { mergeInto } from './merge';
import { applyRewrites, type DataRewrite } from './rewrites';

type Data = Record<string, unknown>;

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * The distinct representations of a fetch's entities, each with the entities (by index) its answer is merged
 * into. In a deep answer the same entity recurs many times (one product under every review of it): when the
 * `requires` selection is flat (key fields, no input rewrites), a repeat is recognized from its field values
 * through a tree of Maps, with nothing allocated, and only a first occurrence is built. Otherwise each
 * representation is built and keyed by its JSON. Either way the order is that of first occurrences.
 */
export class Representations {
  readonly list: Data[] = [];
  readonly owners: number[][] = [];
  private readonly byJson = new Map<string, number>();
  private readonly byValues = new Map<unknown, unknown>();
  /** The response keys of a flat selection; undefined when it is not flat. */
  private readonly keys: string[] | undefined;
  /** The flat selection is `... on <typename> { … }`: entities of exactly that type take the flat way. */
  private readonly typename: string | undefined;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly requires: readonly QueryPlanSelectionNode[],
    private readonly rewrites: readonly DataRewrite[] | undefined,
  ) {
    const [only] = requires;
    // Hive's plans wrap the key fields in one inline fragment on the entity type; Apollo's list them.
    const fragment = requires.length === 1 && only?.kind === Kind.INLINE_FRAGMENT && only.typeCondition ? only : undefined;
    const fields = fragment ? fragment.selections : requires;
    const flat = (!rewrites || rewrites.length === 0) && fields.length > 0 && fields.every((s) => s.kind === Kind.FIELD && !s.selections);
    this.keys = flat ? fields.map((s) => (s.kind === Kind.FIELD ? (s.alias ?? s.name) : '')) : undefined;
    this.typename = fragment?.typeCondition;
  }

  /** Adds the representation of `entity` (skipped when it has none: a required field missing, no __typename). */
  add(entity: Data, owner: number): void {
    const keys = this.keys;
    // An entity of another type than the fragment's (an abstract condition, say) takes the general way.
    if (keys && (this.typename === undefined || entity.__typename === this.typename)) {
      let node = this.byValues;
      const last = keys.length - 1;
      for (let i = 0; i <= last; i++) {
        const key = keys[i] as string;
        const value = entity[key];
        // What select would answer null for: no representation.
        if (value === undefined || !hasOwn.call(entity, key)) return;
        // A structured value (a JSON scalar, a list): keyed by the JSON of the whole representation below.
        if (value !== null && typeof value === 'object') break;
        if (i === last) {
          const known = node.get(value) as number | undefined;
          if (known !== undefined) return void (this.owners[known] as number[]).push(owner);
          const representation = this.build(entity);
          if (!representation) return;
          node.set(value, this.list.length);
          this.list.push(representation);
          this.owners.push([owner]);
          return;
        }
        let next = node.get(value) as Map<unknown, unknown> | undefined;
        if (!next) node.set(value, (next = new Map()));
        node = next;
      }
    }
    const representation = this.build(entity);
    if (!representation) return;
    const key = JSON.stringify(representation);
    const known = this.byJson.get(key);
    if (known !== undefined) return void (this.owners[known] as number[]).push(owner);
    this.byJson.set(key, this.list.length);
    this.list.push(representation);
    this.owners.push([owner]);
  }

  private build(entity: Data): Data | null {
    const representation = select(this.schema, entity, this.requires);
    if (!representation || !representation.__typename) return null;
    if (this.rewrites) applyRewrites(this.schema, this.rewrites, representation);
    return representation;
  }
}

// executeSelectionSet of @apollo/gateway: picks the `requires` selection out of an entity for its representation.
// An inline fragment whose fields are missing adds nothing (and so, without __typename, the entity is skipped).
function select(schema: GraphQLSchema, source: Data | null, selections: readonly QueryPlanSelectionNode[]): Data | null {
  if (source === null) return null;
  // A plain object (fast to build and serialize): its keys are schema field names, never `__proto__`.
  const result: Data = {};
  for (const selection of selections) {
    if (selection.kind === Kind.FIELD) {
      const key = selection.alias ?? selection.name;
      const value = source[key];
      if (value === undefined || !hasOwn.call(source, key)) return null;
      const sub = selection.selections;
      if (Array.isArray(value)) result[key] = value.map((v: unknown) => (sub ? select(schema, v as Data, sub) : v));
      else result[key] = sub ? select(schema, value as Data, sub) : value;
    } else if (selection.typeCondition && isObjectOfType(schema, source, selection.typeCondition)) {
      mergeInto(result, select(schema, source, selection.selections));
    }
  }
  return result;
}

function isObjectOfType(schema: GraphQLSchema, obj: Data, condition: string): boolean {
  const typename = obj.__typename;
  if (typeof typename !== 'string' || !typename) return false;
  if (typename === condition) return true;
  const type = schema.getType(typename);
  const conditional = schema.getType(condition);
  if (!type || !conditional || !isAbstractType(conditional)) return false;
  return (isObjectType(type) || isInterfaceType(type)) && schema.isSubType(conditional, type);
}
