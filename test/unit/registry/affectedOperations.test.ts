import type { GraphQLSchema } from 'graphql';
import { affectedOperations, type KnownOperation } from '../../../src/registry/operationUsage';
import { diffSchemas } from '../../../src/registry/schemaDiff';
import { before, edited } from './schemas';

/** Checks manifest operations (named by their keys) against the change from `before` to `after`. */
function check(after: GraphQLSchema, bodies: Record<string, string>) {
  const operations: KnownOperation[] = Object.entries(bodies).map(([name, body]) => ({ name, body, source: 'manifest' }));
  return affectedOperations(diffSchemas(before, after), before, after, operations);
}

/** Affected operation names with the change coordinates each uses. */
function affectedBy(after: GraphQLSchema, bodies: Record<string, string>): Record<string, string[]> {
  return Object.fromEntries(check(after, bodies).map((a) => [a.name, a.changes]));
}

describe('affectedOperations: which operations use a breaking change', () => {
  it('a removed type: operations selecting it', () => {
    const after = edited(['  warehouse: Warehouse\n', ''], ['type Warehouse { id: ID! city: String }', '']);
    expect(affectedBy(after, { Stock: '{ warehouse { city } }', Product: '{ product(upc: "1") { name } }' })).toEqual({ Stock: ['Query.warehouse', 'Warehouse'] });
  });

  it('a type that changed kind: operations returning it, even when they still validate', () => {
    const after = edited(['enum Color { RED GREEN BLUE }', 'scalar Color']);
    const [colors, ...others] = check(after, { Colors: '{ topColors }', Product: '{ product(upc: "1") { name } }' });
    expect(others).toEqual([]);
    expect(colors).toEqual({ name: 'Colors', source: 'manifest', changes: ['Color'], errors: [] });
  });

  it('a removed field: through aliases, fragments and nested selections, with the validation error', () => {
    const after = edited(['  weight: Int\n', '']);
    const result = check(after, {
      Aliased: '{ p: product(upc: "1") { w: weight } }',
      Fragment: 'query Fragment { products { ...Shipping } } fragment Shipping on Product { name weight }',
      Nested: '{ search(text: "x") { ... on Review { product { weight } } } }',
      Unrelated: '{ product(upc: "1") { name price } }',
    });
    expect(result.map((a) => [a.name, a.changes])).toEqual([
      ['Aliased', ['Product.weight']],
      ['Fragment', ['Product.weight']],
      ['Nested', ['Product.weight']],
    ]);
    expect(result[0]?.errors).toEqual(['Cannot query field "weight" on type "Product".']);
  });

  it('a field removed from a type that left an interface: selections through the interface', () => {
    const after = edited(['type Product implements Node & Priced {', 'type Product implements Node {'], ['  price: Int\n', '']);
    const result = check(after, { Cheapest: '{ cheapest { price } }', Direct: '{ product(upc: "1") { price } }', Other: '{ node(id: "1") { id } }' });
    expect(result).toEqual([
      // Still valid (Priced.price exists), but no Product can come back through Priced any more.
      { name: 'Cheapest', source: 'manifest', changes: ['Product', 'Product.price'], errors: [] },
      { name: 'Direct', source: 'manifest', changes: ['Product.price'], errors: ['Cannot query field "price" on type "Product".'] },
    ]);
  });

  it('an output field whose type changed: operations selecting it', () => {
    const after = edited(['  weight: Int\n', '  weight: Float\n']);
    expect(affectedBy(after, { Weight: '{ products { ... on Product { weight } } }', Name: '{ products { name } }' })).toEqual({ Weight: ['Product.weight'] });
  });

  it('a removed argument: operations passing it, not those calling the field without it', () => {
    const after = edited(['filter: ProductFilter, color: Color)', 'filter: ProductFilter)']);
    expect(affectedBy(after, { ByColor: '{ products(color: RED) { name } }', All: '{ products(first: 3) { name } }' })).toEqual({ ByColor: ['Query.products(color:)'] });
  });

  it('an argument whose type changed: operations passing it, and those leaving it out once it is required', () => {
    const retyped = edited(['products(first: Int = 10', 'products(first: String']);
    expect(affectedBy(retyped, { First: 'query($n: Int) { products(first: $n) { name } }', Default: '{ products { name } }' })).toEqual({ First: ['Query.products(first:)'] });
    const required = edited(['filter: ProductFilter,', 'filter: ProductFilter!,']);
    expect(affectedBy(required, { Unfiltered: '{ products { name } }', Product: '{ product(upc: "1") { name } }' })).toEqual({ Unfiltered: ['Query.products(filter:)'] });
  });

  it('a required argument added: operations selecting the field', () => {
    const after = edited(['reviews(first: Int)', 'reviews(first: Int, sort: String!)']);
    const result = check(after, { Reviews: '{ product(upc: "1") { reviews { body } } }', Name: '{ product(upc: "1") { name } }' });
    expect(result).toEqual([
      { name: 'Reviews', source: 'manifest', changes: ['Product.reviews(sort:)'], errors: ['Field "reviews" argument "sort" of type "String!" is required, but it was not provided.'] },
    ]);
  });

  it('an argument that lost its default and is now required: operations selecting the field', () => {
    const after = edited(['recent(limit: Int! = 5)', 'recent(limit: Int!)']);
    expect(affectedBy(after, { Recent: '{ recent { body } }', Search: '{ search(text: "x") { __typename } }' })).toEqual({ Recent: ['Query.recent(limit:)'] });
  });

  it('a removed input field: literals writing it and variables that may carry it, nested or not', () => {
    const removed = edited([' nameContains: String', '']);
    expect(
      affectedBy(removed, {
        Literal: '{ products(filter: { nameContains: "x" }) { name } }',
        OtherField: '{ products(filter: { maxPrice: 5 }) { name } }',
        Variable: 'query($f: ProductFilter) { products(filter: $f) { name } }',
      }),
    ).toEqual({ Literal: ['ProductFilter.nameContains'], Variable: ['ProductFilter.nameContains'] });
    const nested = edited(['max: Int', '']);
    expect(
      affectedBy(nested, {
        Variable: 'query($f: ProductFilter) { products(filter: $f) { name } }',
        NestedVariable: 'query($p: PriceRange) { products(filter: { price: $p }) { name } }',
        Literal: '{ products(filter: { price: { min: 1 } }) { name } }',
      }),
    ).toEqual({ Variable: ['PriceRange.max'], NestedVariable: ['PriceRange.max'] });
  });

  it('an input field whose type changed: variables, literals writing it, literals leaving it out once required', () => {
    const required = edited(['rating: Int }', 'rating: Int! }']);
    const mutations = {
      Variable: 'mutation($input: ReviewInput!) { createReview(input: $input) { id } }',
      Omitting: 'mutation { createReview(input: { productUpc: "1", body: "Good" }) { id } }',
      Query: '{ recent { rating } }',
    };
    expect(affectedBy(required, mutations)).toEqual({ Omitting: ['ReviewInput.rating'], Variable: ['ReviewInput.rating'] });
    const retyped = edited(['rating: Int }', 'rating: String }']);
    expect(affectedBy(retyped, mutations)).toEqual({ Variable: ['ReviewInput.rating'] });
  });

  it('a required input field added: literals and variables of the input type', () => {
    const after = edited(['rating: Int }', 'rating: Int title: String! }']);
    expect(
      affectedBy(after, {
        Literal: 'mutation { createReview(input: { productUpc: "1", body: "Good" }) { id } }',
        Variable: 'mutation($input: ReviewInput!) { createReview(input: $input) { id } }',
        Query: '{ recent { body } }',
      }),
    ).toEqual({ Literal: ['ReviewInput.title'], Variable: ['ReviewInput.title'] });
  });

  it('an input field that lost its default: literals leaving it out and variables', () => {
    const after = edited(['min: Int! = 0', 'min: Int!']);
    expect(
      affectedBy(after, {
        LeavesOut: '{ products(filter: { price: { max: 5 } }) { name } }',
        Gives: '{ products(filter: { price: { min: 1 } }) { name } }',
        Variable: 'query($p: PriceRange) { products(filter: { price: $p }) { name } }',
      }),
    ).toEqual({ LeavesOut: ['PriceRange.min'], Variable: ['PriceRange.min'] });
  });

  it('a removed enum value: literals writing it, variables of the enum and fields returning it', () => {
    const after = edited(['enum Color { RED GREEN BLUE }', 'enum Color { RED GREEN }']);
    expect(
      affectedBy(after, {
        Literal: '{ products(color: BLUE) { name } }',
        InInput: '{ products(filter: { color: BLUE }) { name } }',
        OtherValue: '{ products(color: RED) { name } }',
        Variable: 'query($c: Color) { products(color: $c) { name } }',
        Output: '{ product(upc: "1") { color } }',
      }),
    ).toEqual({ InInput: ['Color.BLUE'], Literal: ['Color.BLUE'], Output: ['Color.BLUE'], Variable: ['Color.BLUE'] });
  });

  it('a removed union member: operations selecting the union, whichever members they spread', () => {
    const after = edited(['union SearchResult = Product | Review', 'union SearchResult = Product']);
    const result = check(after, {
      Reviews: '{ search(text: "x") { ... on Review { body } } }',
      Products: '{ search(text: "x") { ... on Product { name } } }',
      Typename: '{ search(text: "x") { __typename } }',
      Review: '{ recent { body } }',
    });
    expect(result.map((a) => [a.name, a.changes, a.errors.length])).toEqual([
      ['Products', ['SearchResult'], 0],
      ['Reviews', ['SearchResult'], 1],
      ['Typename', ['SearchResult'], 0],
    ]);
  });

  it('an interface a type no longer implements: selections on the interface, not on the type alone', () => {
    const after = edited(['type Review implements Node {', 'type Review {']);
    expect(
      affectedBy(after, {
        Node: '{ node(id: "1") { id } }',
        SpreadType: '{ node(id: "1") { ... on Review { body } } }',
        SpreadInterface: '{ recent { ... on Node { id } } }',
        Review: '{ recent { id body } }',
        Search: '{ search(text: "x") { ... on Review { id } } }',
      }),
    ).toEqual({ Node: ['Review'], SpreadInterface: ['Review'], SpreadType: ['Review'] });
  });

  it('an input type that became @oneOf: operations writing or carrying it', () => {
    const after = edited(['input ProductFilter {', 'input ProductFilter @oneOf {']);
    expect(affectedBy(after, { Two: '{ products(filter: { color: RED, maxPrice: 5 }) { name } }', None: '{ products { name } }' })).toEqual({ Two: ['ProductFilter'] });
  });
});

describe('affectedOperations: validation and reporting', () => {
  it('reports an operation that no longer validates even when no breaking change names what it uses', () => {
    // Product.name becoming non-null is safe alone, but no longer merges with Review.body (String) under one name.
    const after = edited(['  name: String\n', '  name: String!\n']);
    const [overlap, ...others] = check(after, {
      Overlap: '{ search(text: "x") { ... on Product { text: name } ... on Review { text: body } } }',
      Plain: '{ product(upc: "1") { name } }',
    });
    expect(others).toEqual([]);
    expect(overlap).toMatchObject({ name: 'Overlap', changes: [], errors: [expect.stringContaining('"text" conflict because they return conflicting types "String!" and "String"')] });
  });

  it('reports an operation that does not parse with its syntax error, and not one that was already invalid', () => {
    const after = edited(['  weight: Int\n', '']);
    expect(check(after, { Broken: '{ product(upc: "1") { name }', Stale: '{ product(upc: "1") { gone } }' })).toEqual([
      { name: 'Broken', source: 'manifest', changes: [], errors: ['Syntax Error: Expected Name, found <EOF>.'] },
    ]);
  });

  it('reports nothing when no change breaks', () => {
    const after = edited(['  weight: Int\n', '  weight: Int\n  volume: Int\n']);
    expect(check(after, { Weight: '{ products { weight } }' })).toEqual([]);
  });

  it('orders by source, then name, then id, and keeps ids and client names', () => {
    const after = edited(['  weight: Int\n', '']);
    const body = '{ products { weight } }';
    const operations: KnownOperation[] = [
      { name: 'B', body, source: 'traffic', clientName: 'web' },
      { name: 'B', body, source: 'manifest', id: 'm2', clientName: 'ios' },
      { name: 'A', body, source: 'traffic' },
      { name: 'B', body, source: 'manifest', id: 'm1' },
      { name: undefined, body, source: 'manifest', id: 'm0' },
    ];
    expect(affectedOperations(diffSchemas(before, after), before, after, operations).map(({ name, source, id, clientName }) => ({ name, source, id, clientName }))).toEqual([
      { name: undefined, source: 'manifest', id: 'm0', clientName: undefined },
      { name: 'B', source: 'manifest', id: 'm1', clientName: undefined },
      { name: 'B', source: 'manifest', id: 'm2', clientName: 'ios' },
      { name: 'A', source: 'traffic', id: undefined, clientName: undefined },
      { name: 'B', source: 'traffic', id: undefined, clientName: 'web' },
    ]);
  });
});
