import { ROUTER_SUPPORTED_SUPERGRAPH_FEATURES, Supergraph } from '@apollo/federation-internals';
import { parse, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import { composeSubgraphs } from '../../../../src/composition';
import { costIndexOf, estimateCost, actualCost, type CostEstimate, type CostIndex } from '../../../../src/security/cost';

/** A bookshop in two subgraphs (federation 2.9), with a cost directive on every kind of element. */
export const CATALOG_SDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@shareable", "@cost", "@listSize"])

type Query {
  book(id: ID!): Book
  node(id: ID!): Node
  media: Media
  books(first: Int, last: Int): [Book] @listSize(slicingArguments: ["first", "last"])
  booksLoose(first: Int, last: Int): [Book] @listSize(slicingArguments: ["first", "last"], requireOneSlicingArgument: false)
  booksPaged(first: Int = 20): [Book] @listSize(slicingArguments: ["first"])
  shelf: [Book] @listSize(assumedSize: 7)
  everything: [Book]
  matrix: [[Int]] @cost(weight: 1)
  bookConnection(first: Int): BookConnection @listSize(slicingArguments: ["first"], sizedFields: ["edges"])
  search(term: String @cost(weight: 4), filter: BookFilter): [Book] @listSize(assumedSize: 2)
  expensiveCount: Int @cost(weight: 6)
  price: Money
  genre: Genre
}

type Mutation {
  addBook(input: BookInput!): Book
}

interface Node {
  id: ID!
  summary: String
}

union Media = Book | Film

type Book implements Node @key(fields: "id") {
  id: ID!
  summary: String
  title: String
  tags: [String]
  author: Author
  sequel: Book
  rating: Int @shareable @cost(weight: 4)
}

type Author implements Node @key(fields: "id") @cost(weight: 2) {
  id: ID!
  summary: String
  name: String
  books: [Book] @listSize(assumedSize: 4)
}

type Film @cost(weight: 5) {
  id: ID!
  title: String
}

type BookConnection {
  totalCount: Int
  edges: [BookEdge]
}

type BookEdge {
  cursor: String
  node: Book
}

input BookFilter {
  minPages: Int @cost(weight: 3)
  author: AuthorFilter
}

input AuthorFilter {
  name: String @cost(weight: 2)
}

input BookInput {
  title: String!
  isbn: String @cost(weight: 8)
}

scalar Money @cost(weight: 5)

enum Genre @cost(weight: 2) {
  FICTION
  FACT
}
`;

/** A second subgraph that resolves Book.rating too, with a different weight (composition keeps the max). */
export const RATINGS_SDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@shareable", "@cost"])

type Book @key(fields: "id") {
  id: ID!
  rating: Int @shareable @cost(weight: 9)
}
`;

export interface Compiled {
  readonly supergraphSdl: string;
  readonly supergraphSchema: GraphQLSchema;
  readonly apiSchema: GraphQLSchema;
  readonly index: CostIndex;
}

export function compile(subgraphs: ReadonlyArray<{ name: string; sdl: string }>): Compiled {
  const composed = composeSubgraphs(subgraphs.map((s) => ({ ...s, url: `http://${s.name}.invalid/graphql` })));
  if (!composed.ok) throw new Error(`composition failed: ${composed.errors.map((e) => e.message).join('; ')}`);
  const supergraph = Supergraph.build(composed.supergraphSdl, { supportedFeatures: ROUTER_SUPPORTED_SUPERGRAPH_FEATURES });
  const supergraphSchema = supergraph.schema.toGraphQLJSSchema();
  return {
    supergraphSdl: composed.supergraphSdl,
    supergraphSchema,
    apiSchema: supergraph.apiSchema().toGraphQLJSSchema(),
    index: costIndexOf(supergraphSchema),
  };
}

let bookshopCache: Compiled | undefined;

export function bookshop(): Compiled {
  bookshopCache ??= compile([
    { name: 'catalog', sdl: CATALOG_SDL },
    { name: 'ratings', sdl: RATINGS_SDL },
  ]);
  return bookshopCache;
}

/** Parses and validates against the API schema, as the gateway does before costing. */
export function operation(compiled: Compiled, query: string): DocumentNode {
  const document = parse(query);
  const errors = validate(compiled.apiSchema, document);
  if (errors.length > 0) throw new Error(`invalid operation: ${errors.map((e) => e.message).join('; ')}`);
  return document;
}

export function estimate(
  query: string,
  variables: Record<string, unknown> = {},
  options: { defaultListSize?: number; operationName?: string; compiled?: Compiled } = {},
): CostEstimate {
  const compiled = options.compiled ?? bookshop();
  return estimateCost(compiled.index, compiled.apiSchema, operation(compiled, query), options.operationName, variables, {
    defaultListSize: options.defaultListSize ?? 10,
  });
}

/** The estimate's cost, failing the test if the estimate reported errors. */
export function costOf(query: string, variables: Record<string, unknown> = {}, options: { defaultListSize?: number } = {}): number {
  const result = estimate(query, variables, options);
  if (result.errors.length > 0) throw new Error(`unexpected cost errors: ${result.errors.map((e) => e.message).join('; ')}`);
  return result.cost;
}

export function actualOf(query: string, data: unknown, variables: Record<string, unknown> = {}, compiled: Compiled = bookshop()): number {
  return actualCost(compiled.index, compiled.apiSchema, operation(compiled, query), undefined, data, variables);
}
