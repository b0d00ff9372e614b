import { buildSchema, type GraphQLSchema } from 'graphql';

/** The `before` schema the registry unit tests edit into an `after`. */
export const BASE_SDL = `
interface Node { id: ID! }
interface Priced { price: Int }

type Query {
  product(upc: String!): Product
  products(first: Int = 10, filter: ProductFilter, color: Color): [Product]
  node(id: ID!): Node
  search(text: String!): [SearchResult]
  cheapest: [Priced]
  topColors: [Color]
  recent(limit: Int! = 5): [Review]
  warehouse: Warehouse
}

type Mutation {
  createReview(input: ReviewInput!): Review
}

type Product implements Node & Priced {
  id: ID!
  upc: String!
  name: String
  price: Int
  weight: Int
  color: Color
  tags: [String]
  reviews(first: Int): [Review]
}

type Review implements Node {
  id: ID!
  body: String
  rating: Int
  product: Product
}

type Warehouse { id: ID! city: String }

union SearchResult = Product | Review

enum Color { RED GREEN BLUE }

input ProductFilter { color: Color maxPrice: Int nameContains: String price: PriceRange }
input PriceRange { min: Int! = 0 max: Int }
input ReviewInput { productUpc: String! body: String! rating: Int }
`;

export const before: GraphQLSchema = buildSchema(BASE_SDL);

/** BASE_SDL with each `[find, replace]` applied once; a `find` that is not there fails the test (it would test nothing). */
export function edited(...edits: Array<[string, string]>): GraphQLSchema {
  let sdl = BASE_SDL;
  for (const [find, replace] of edits) {
    if (!sdl.includes(find)) throw new Error(`not in the base SDL: ${find}`);
    sdl = sdl.replace(find, replace);
  }
  return buildSchema(sdl);
}
