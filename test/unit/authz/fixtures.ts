import { ROUTER_SUPPORTED_SUPERGRAPH_FEATURES, Supergraph } from '@apollo/federation-internals';
import { parse, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import { composeSubgraphs, type SubgraphSource } from '../../../src/composition';
import {
  authorizationIndexOf,
  authorizeOperation,
  type AuthorizationIndex,
  type AuthorizationResult,
  type Caller,
} from '../../../src/authz';

/** Accounts on federation 2.5 (which has @authenticated and @requiresScopes, not yet @policy). */
export const ACCOUNTS_SDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key", "@authenticated", "@requiresScopes"])

type Query {
  me: User @authenticated
  user(id: ID!): User
  publicInfo: String
  secret: String @requiresScopes(scopes: [["read:secret", "read:all"], ["admin"]])
  node(id: ID!): Node
  search(term: String!): [SearchResult]
  ledger: Ledger
}

interface Node {
  id: ID!
  summary: String
}

type User implements Node @key(fields: "id") {
  id: ID!
  name: String
  summary: String
  email: String @requiresScopes(scopes: [["read:email"]])
}

type Invoice implements Node @key(fields: "id") {
  id: ID!
  summary: String @authenticated
}

type Ledger @authenticated {
  total: Int
}

union SearchResult = User | Vault

type Vault @requiresScopes(scopes: [["vault"]]) {
  id: ID!
  contents: String
}
`;

/** Content on federation 2.6, which adds @policy. */
export const CONTENT_SDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key", "@policy"])

type Query {
  posts: [Post]
}

type Post {
  id: ID!
  title: String
  draft: String @policy(policies: [["editor"], ["owner", "verified"]])
}

type User @key(fields: "id") {
  id: ID!
  posts: [Post]
}
`;

export interface Fixture {
  supergraphSdl: string;
  supergraph: GraphQLSchema;
  api: GraphQLSchema;
  index: AuthorizationIndex;
}

/** Composes for real and builds the schemas the gateway would (Router's feature set admits SECURITY links). */
export function build(sources: SubgraphSource[]): Fixture {
  const outcome = composeSubgraphs(sources);
  if (!outcome.ok) throw new Error(outcome.errors.map((e) => e.message).join('\n'));
  const built = Supergraph.build(outcome.supergraphSdl, { supportedFeatures: ROUTER_SUPPORTED_SUPERGRAPH_FEATURES });
  const supergraph = built.schema.toGraphQLJSSchema();
  return { supergraphSdl: outcome.supergraphSdl, supergraph, api: built.apiSchema().toGraphQLJSSchema(), index: authorizationIndexOf(supergraph) };
}

export const shop = (): Fixture =>
  build([
    { name: 'accounts', url: 'http://accounts', sdl: ACCOUNTS_SDL },
    { name: 'content', url: 'http://content', sdl: CONTENT_SDL },
  ]);

export const anonymous: Caller = { authenticated: false, scopes: [], policies: new Map() };
export const signedIn = (scopes: string[] = [], policies: Record<string, boolean> = {}): Caller => ({
  authenticated: true,
  scopes,
  policies: new Map(Object.entries(policies)),
});

/** Parses, validates the input, authorizes, and checks the output validates too (unless nothing is left). */
export function authorize(
  fixture: Fixture,
  query: string,
  caller: Caller,
  operationName?: string,
): AuthorizationResult & { input: DocumentNode; paths: string[] } {
  const input = parse(query);
  expect(validate(fixture.api, input)).toEqual([]);
  const result = authorizeOperation(fixture.index, fixture.api, input, operationName, caller);
  if (!result.empty) expect(validate(fixture.api, result.document)).toEqual([]);
  return { ...result, input, paths: result.unauthorized.map((u) => u.path.join('.')) };
}
