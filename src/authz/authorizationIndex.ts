import {
  isInterfaceType,
  isObjectType,
  type ConstDirectiveNode,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import { argumentsOf, authorizationDirectiveNames, type AuthorizationDirectiveNames } from './directiveNames';
import { both, type Requirement } from './requirement';

/** Every authorization requirement of a supergraph, keyed the way the operation walk looks them up. */
export interface AuthorizationIndex {
  /** By `"Type.field"` (object and interface fields). */
  readonly fields: ReadonlyMap<string, Requirement>;
  /** By type name (objects, interfaces, scalars, enums). */
  readonly types: ReadonlyMap<string, Requirement>;
  /** Every policy name used anywhere, sorted: what the caller must evaluate before `authorizeOperation`. */
  readonly policies: readonly string[];
}

/**
 * Reads `@authenticated` / `@requiresScopes` / `@policy` from the composed supergraph schema (graphql-js,
 * e.g. `Supergraph.build(sdl).schema.toGraphQLJSSchema()`), under whatever names its `@link`s give them.
 * The API schema cannot be used: it drops the directives. Composition already merged the subgraphs' values.
 */
export function authorizationIndexOf(supergraphSchema: GraphQLSchema): AuthorizationIndex {
  const names = authorizationDirectiveNames(supergraphSchema);
  const fields = new Map<string, Requirement>();
  const types = new Map<string, Requirement>();
  const policies = new Set<string>();
  for (const type of Object.values(supergraphSchema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    const typeRequirement = requirementOf(directivesOf(type), names, policies);
    if (typeRequirement !== undefined) types.set(type.name, typeRequirement);
    if (!isObjectType(type) && !isInterfaceType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      const fieldRequirement = requirementOf(field.astNode?.directives ?? [], names, policies);
      if (fieldRequirement !== undefined) fields.set(`${type.name}.${field.name}`, fieldRequirement);
    }
  }
  return { fields, types, policies: [...policies].sort() };
}

function directivesOf(type: GraphQLNamedType): readonly ConstDirectiveNode[] {
  return [type.astNode, ...type.extensionASTNodes].flatMap((node) => node?.directives ?? []);
}

/** The conjunction of every authorization directive in `directives`; undefined when there is none. */
function requirementOf(
  directives: readonly ConstDirectiveNode[],
  names: AuthorizationDirectiveNames,
  policies: Set<string>,
): Requirement | undefined {
  let requirement: Requirement | undefined;
  const add = (next: Requirement): void => {
    requirement = requirement === undefined ? next : both(requirement, next);
  };
  for (const directive of directives) {
    const name = directive.name.value;
    if (name === names.authenticated) {
      add({ authenticated: true });
    } else if (name === names.requiresScopes) {
      add({ authenticated: false, scopes: listOfLists(argumentsOf(directive).get('scopes')) });
    } else if (name === names.policy) {
      const list = listOfLists(argumentsOf(directive).get('policies'));
      list.flat().forEach((p) => policies.add(p));
      add({ authenticated: false, policies: list });
    }
  }
  return requirement;
}

/**
 * `[["a", "b"], ["c"]]` as string[][]. An alternative holding anything but strings is dropped, so a
 * malformed argument can only make the requirement harder to meet (an empty outer list denies everyone).
 */
function listOfLists(value: unknown): string[][] {
  if (!Array.isArray(value)) return [];
  return (value as unknown[]).filter(
    (inner): inner is string[] => Array.isArray(inner) && (inner as unknown[]).every((s) => typeof s === 'string'),
  );
}
