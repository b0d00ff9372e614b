import { buildSchema, findBreakingChanges } from 'graphql';
import { diffSchemas, type SchemaChange } from '../../../src/registry/schemaDiff';
import { BASE_SDL, before, edited } from './schemas';

/** The changes as kind, coordinate and breaking flag: what the classification is about. */
const diff = (...edits: Array<[string, string]>) => diffSchemas(before, edited(...edits)).map(({ kind, coordinate, breaking }) => ({ kind, coordinate, breaking }));

describe('diffSchemas: breaking changes', () => {
  it('reports a removed type (with the field that returned it)', () => {
    expect(diff(['  warehouse: Warehouse\n', ''], ['type Warehouse { id: ID! city: String }', ''])).toEqual([
      { kind: 'FIELD_REMOVED', coordinate: 'Query.warehouse', breaking: true },
      { kind: 'TYPE_REMOVED', coordinate: 'Warehouse', breaking: true },
    ]);
  });

  it('reports a type that changed kind, and nothing inside it', () => {
    const changes = diffSchemas(before, edited(['enum Color { RED GREEN BLUE }', 'scalar Color']));
    expect(changes).toEqual([{ kind: 'TYPE_KIND_CHANGED', coordinate: 'Color', breaking: true, description: 'Type "Color" changed from enum to scalar.' }]);
  });

  it('reports a removed field', () => {
    expect(diff(['  weight: Int\n', ''])).toEqual([{ kind: 'FIELD_REMOVED', coordinate: 'Product.weight', breaking: true }]);
  });

  it('reports an output field whose type changed other than by becoming non-null', () => {
    expect(diffSchemas(before, edited(['  weight: Int\n', '  weight: Float\n']))).toEqual([
      { kind: 'FIELD_TYPE_CHANGED', coordinate: 'Product.weight', breaking: true, description: 'Field "Product.weight" changed type from "Int" to "Float".' },
    ]);
    expect(diff(['  upc: String!\n', '  upc: String\n'])).toEqual([{ kind: 'FIELD_TYPE_CHANGED', coordinate: 'Product.upc', breaking: true }]);
    expect(diff(['  tags: [String]\n', '  tags: String\n'])).toEqual([{ kind: 'FIELD_TYPE_CHANGED', coordinate: 'Product.tags', breaking: true }]);
    expect(diff(['  weight: Int\n', '  weight: [Int]\n'])).toEqual([{ kind: 'FIELD_TYPE_CHANGED', coordinate: 'Product.weight', breaking: true }]);
  });

  it('reports a removed argument', () => {
    expect(diff(['filter: ProductFilter, color: Color)', 'filter: ProductFilter)'])).toEqual([{ kind: 'ARG_REMOVED', coordinate: 'Query.products(color:)', breaking: true }]);
  });

  it('reports an argument whose type changed other than by becoming nullable', () => {
    expect(diffSchemas(before, edited(['products(first: Int = 10', 'products(first: String = "10"']))).toEqual([
      { kind: 'ARG_DEFAULT_CHANGED', coordinate: 'Query.products(first:)', breaking: false, description: 'Argument "Query.products(first:)" changed default value from 10 to "10".' },
      { kind: 'ARG_TYPE_CHANGED', coordinate: 'Query.products(first:)', breaking: true, description: 'Argument "Query.products(first:)" changed type from "Int" to "String".' },
    ]);
    expect(diff(['filter: ProductFilter,', 'filter: ProductFilter!,'])).toEqual([{ kind: 'ARG_TYPE_CHANGED', coordinate: 'Query.products(filter:)', breaking: true }]);
    expect(diff(['reviews(first: Int)', 'reviews(first: [Int])'])).toEqual([{ kind: 'ARG_TYPE_CHANGED', coordinate: 'Product.reviews(first:)', breaking: true }]);
  });

  it('reports a required argument added, but not one that is optional or has a default', () => {
    expect(diff(['reviews(first: Int)', 'reviews(first: Int, sort: String!)'])).toEqual([{ kind: 'REQUIRED_ARG_ADDED', coordinate: 'Product.reviews(sort:)', breaking: true }]);
    expect(diff(['reviews(first: Int)', 'reviews(first: Int, sort: String)'])).toEqual([{ kind: 'ARG_ADDED', coordinate: 'Product.reviews(sort:)', breaking: false }]);
    expect(diff(['reviews(first: Int)', 'reviews(first: Int, sort: String! = "new")'])).toEqual([{ kind: 'ARG_ADDED', coordinate: 'Product.reviews(sort:)', breaking: false }]);
  });

  it('reports a default removed from a non-null argument or input field: it is now required', () => {
    expect(diffSchemas(before, edited(['recent(limit: Int! = 5)', 'recent(limit: Int!)']))).toEqual([
      { kind: 'ARG_DEFAULT_CHANGED', coordinate: 'Query.recent(limit:)', breaking: true, description: 'Argument "Query.recent(limit:)" lost default value 5 and is now required.' },
    ]);
    expect(diff(['min: Int! = 0', 'min: Int!'])).toEqual([{ kind: 'INPUT_FIELD_DEFAULT_CHANGED', coordinate: 'PriceRange.min', breaking: true }]);
  });

  it('reports a removed input field', () => {
    expect(diff([' nameContains: String', ''])).toEqual([{ kind: 'INPUT_FIELD_REMOVED', coordinate: 'ProductFilter.nameContains', breaking: true }]);
  });

  it('reports an input field whose type changed other than by becoming nullable', () => {
    expect(diff(['rating: Int }', 'rating: Int! }'])).toEqual([{ kind: 'INPUT_FIELD_TYPE_CHANGED', coordinate: 'ReviewInput.rating', breaking: true }]);
    expect(diff(['rating: Int }', 'rating: String }'])).toEqual([{ kind: 'INPUT_FIELD_TYPE_CHANGED', coordinate: 'ReviewInput.rating', breaking: true }]);
  });

  it('reports a required input field added, but not an optional one', () => {
    expect(diff(['rating: Int }', 'rating: Int title: String! }'])).toEqual([{ kind: 'REQUIRED_INPUT_FIELD_ADDED', coordinate: 'ReviewInput.title', breaking: true }]);
    expect(diff(['rating: Int }', 'rating: Int title: String }'])).toEqual([{ kind: 'INPUT_FIELD_ADDED', coordinate: 'ReviewInput.title', breaking: false }]);
    expect(diff(['rating: Int }', 'rating: Int title: String! = "" }'])).toEqual([{ kind: 'INPUT_FIELD_ADDED', coordinate: 'ReviewInput.title', breaking: false }]);
  });

  it('reports a removed enum value', () => {
    expect(diff(['enum Color { RED GREEN BLUE }', 'enum Color { RED GREEN }'])).toEqual([{ kind: 'ENUM_VALUE_REMOVED', coordinate: 'Color.BLUE', breaking: true }]);
  });

  it('reports a removed union member, naming it', () => {
    expect(diffSchemas(before, edited(['union SearchResult = Product | Review', 'union SearchResult = Product']))).toEqual([
      { kind: 'UNION_MEMBER_REMOVED', coordinate: 'SearchResult', member: 'Review', breaking: true, description: 'Type "Review" was removed from union "SearchResult".' },
    ]);
  });

  it('reports an interface a type no longer implements, naming it', () => {
    expect(diffSchemas(before, edited(['type Review implements Node {', 'type Review {']))).toEqual([
      { kind: 'INTERFACE_REMOVED', coordinate: 'Review', member: 'Node', breaking: true, description: 'Type "Review" no longer implements interface "Node".' },
    ]);
  });

  it('reports an input type that became @oneOf', () => {
    expect(diff(['input ProductFilter {', 'input ProductFilter @oneOf {'])).toEqual([{ kind: 'ONE_OF_ADDED', coordinate: 'ProductFilter', breaking: true }]);
    const oneOf = buildSchema(BASE_SDL.replace('input ProductFilter {', 'input ProductFilter @oneOf {'));
    expect(diffSchemas(oneOf, before)).toEqual([expect.objectContaining({ kind: 'ONE_OF_REMOVED', coordinate: 'ProductFilter', breaking: false })]);
  });
});

describe('diffSchemas: safe changes', () => {
  it('lets an output become non-null, at any list depth', () => {
    expect(diffSchemas(before, edited(['  name: String\n', '  name: String!\n']))).toEqual([
      { kind: 'FIELD_TYPE_CHANGED', coordinate: 'Product.name', breaking: false, description: 'Field "Product.name" changed type from "String" to "String!" (safe: now non-null).' },
    ]);
    expect(diff(['tags: [String]', 'tags: [String!]'])).toEqual([{ kind: 'FIELD_TYPE_CHANGED', coordinate: 'Product.tags', breaking: false }]);
    expect(diff(['tags: [String]', 'tags: [String!]!'])).toEqual([{ kind: 'FIELD_TYPE_CHANGED', coordinate: 'Product.tags', breaking: false }]);
  });

  it('lets an argument or input field become nullable', () => {
    expect(diff(['product(upc: String!)', 'product(upc: String)'])).toEqual([{ kind: 'ARG_TYPE_CHANGED', coordinate: 'Query.product(upc:)', breaking: false }]);
    expect(diff(['body: String! rating', 'body: String rating'])).toEqual([{ kind: 'INPUT_FIELD_TYPE_CHANGED', coordinate: 'ReviewInput.body', breaking: false }]);
    expect(diff(['createReview(input: ReviewInput!)', 'createReview(input: ReviewInput)'])).toEqual([{ kind: 'ARG_TYPE_CHANGED', coordinate: 'Mutation.createReview(input:)', breaking: false }]);
  });

  it('reports additions as safe, calling a new value of a returned enum and a new union member dangerous', () => {
    const changes = diffSchemas(
      before,
      edited(
        ['type Warehouse { id: ID! city: String }', 'type Warehouse implements Node { id: ID! city: String }\ntype Store { id: ID! }'],
        ['  warehouse: Warehouse\n', '  warehouse: Warehouse\n  store: Store\n'],
        ['union SearchResult = Product | Review', 'union SearchResult = Product | Review | Warehouse'],
        ['enum Color { RED GREEN BLUE }', 'enum Color { RED GREEN BLUE TEAL }'],
        ['maxPrice: Int', 'maxPrice: Int minPrice: Int'],
        ['products(first: Int = 10,', 'products(first: Int = 10, after: String,'],
      ),
    );
    expect(changes.map(({ kind, coordinate, breaking, member }) => ({ kind, coordinate, breaking, member }))).toEqual([
      { kind: 'ENUM_VALUE_ADDED', coordinate: 'Color.TEAL', breaking: false, member: undefined },
      { kind: 'INPUT_FIELD_ADDED', coordinate: 'ProductFilter.minPrice', breaking: false, member: undefined },
      { kind: 'ARG_ADDED', coordinate: 'Query.products(after:)', breaking: false, member: undefined },
      { kind: 'FIELD_ADDED', coordinate: 'Query.store', breaking: false, member: undefined },
      { kind: 'UNION_MEMBER_ADDED', coordinate: 'SearchResult', breaking: false, member: 'Warehouse' },
      { kind: 'TYPE_ADDED', coordinate: 'Store', breaking: false, member: undefined },
      { kind: 'INTERFACE_ADDED', coordinate: 'Warehouse', breaking: false, member: 'Node' },
    ]);
    expect(changes[0]?.description).toBe('Enum value "Color.TEAL" was added; dangerous: fields return "Color", and clients that switch exhaustively over it may not handle the new value.');
    expect(changes.find((c) => c.kind === 'UNION_MEMBER_ADDED')?.description).toMatch(/dangerous/);
  });

  it('does not call a new value of an input-only enum dangerous', () => {
    const sdl = 'enum Sort { NEW OLD } type Query { reviews(sort: Sort): [String] }';
    const [change] = diffSchemas(buildSchema(sdl), buildSchema(sdl.replace('OLD }', 'OLD TOP }')));
    expect(change).toEqual({ kind: 'ENUM_VALUE_ADDED', coordinate: 'Sort.TOP', breaking: false, description: 'Enum value "Sort.TOP" was added.' });
  });

  it('reports deprecations and their removal as safe', () => {
    const deprecated = edited(
      ['  weight: Int\n', '  weight: Int @deprecated(reason: "Use shippingWeight.")\n'],
      ['enum Color { RED GREEN BLUE }', 'enum Color { RED GREEN BLUE @deprecated }'],
      ['reviews(first: Int)', 'reviews(first: Int @deprecated)'],
      ['nameContains: String', 'nameContains: String @deprecated'],
    );
    expect(diffSchemas(before, deprecated).map(({ kind, coordinate, breaking }) => ({ kind, coordinate, breaking }))).toEqual([
      { kind: 'ENUM_VALUE_DEPRECATED', coordinate: 'Color.BLUE', breaking: false },
      { kind: 'ARG_DEPRECATED', coordinate: 'Product.reviews(first:)', breaking: false },
      { kind: 'FIELD_DEPRECATED', coordinate: 'Product.weight', breaking: false },
      { kind: 'INPUT_FIELD_DEPRECATED', coordinate: 'ProductFilter.nameContains', breaking: false },
    ]);
    expect(diffSchemas(before, deprecated).find((c) => c.kind === 'FIELD_DEPRECATED')?.description).toBe('Field "Product.weight" was deprecated: Use shippingWeight.');
    expect(diffSchemas(deprecated, before).map((c) => c.kind)).toEqual(['ENUM_VALUE_DEPRECATION_REMOVED', 'ARG_DEPRECATION_REMOVED', 'FIELD_DEPRECATION_REMOVED', 'INPUT_FIELD_DEPRECATION_REMOVED']);
  });

  it('reports a changed, added or removed default as safe when the value stays optional', () => {
    expect(diffSchemas(before, edited(['first: Int = 10', 'first: Int = 20']))).toEqual([
      { kind: 'ARG_DEFAULT_CHANGED', coordinate: 'Query.products(first:)', breaking: false, description: 'Argument "Query.products(first:)" changed default value from 10 to 20.' },
    ]);
    expect(diff(['first: Int = 10', 'first: Int'])).toEqual([{ kind: 'ARG_DEFAULT_CHANGED', coordinate: 'Query.products(first:)', breaking: false }]);
    expect(diff(['max: Int', 'max: Int = 100'])).toEqual([{ kind: 'INPUT_FIELD_DEFAULT_CHANGED', coordinate: 'PriceRange.max', breaking: false }]);
  });

  it('ignores descriptions, definition order and the order of fields in an object default', () => {
    const reordered = edited(
      ['type Warehouse { id: ID! city: String }', '"Where stock sits." type Warehouse { city: String "The id." id: ID! }'],
      ['filter: ProductFilter,', 'filter: ProductFilter = { maxPrice: 5, color: RED },'],
    );
    const withDefault = edited(['filter: ProductFilter,', 'filter: ProductFilter = { color: RED, maxPrice: 5 },']);
    expect(diffSchemas(withDefault, reordered)).toEqual([]);
    expect(diffSchemas(before, before)).toEqual([]);
  });
});

describe('diffSchemas: output', () => {
  const many = edited(
    ['  weight: Int\n', ''],
    ['enum Color { RED GREEN BLUE }', 'enum Color { RED GREEN BLUE TEAL }'],
    ['union SearchResult = Product | Review', 'union SearchResult = Product'],
    ['reviews(first: Int)', 'reviews(first: Int, sort: String!)'],
    ['rating: Int }', 'rating: Int! }'],
    ['  name: String\n', '  name: String!\n'],
    ['type Review implements Node {', 'type Review {'],
    ['type Warehouse { id: ID! city: String }', 'type Warehouse { id: ID! city: String }\ntype Store { id: ID! }\n'],
    ['  warehouse: Warehouse\n', '  warehouse: Warehouse\n  store: Store\n'],
  );

  it('sorts by coordinate, then kind, and is the same whichever order the schemas define things in', () => {
    const changes = diffSchemas(before, many);
    const keys = changes.map((c: SchemaChange) => `${c.coordinate} ${c.kind}`);
    expect(keys).toEqual([...keys].sort());
    expect(keys[0]).toBe('Color.TEAL ENUM_VALUE_ADDED');
    const shuffled = buildSchema(BASE_SDL.split('\n\n').reverse().join('\n\n'));
    expect(diffSchemas(shuffled, many)).toEqual(changes);
  });

  it('agrees with graphql-js findBreakingChanges on what breaks', () => {
    const ours = diffSchemas(before, many).filter((c) => c.breaking);
    expect(ours.map((c) => c.coordinate)).toEqual(['Product.reviews(sort:)', 'Product.weight', 'Review', 'ReviewInput.rating', 'SearchResult']);
    expect(findBreakingChanges(before, many)).toHaveLength(ours.length);
  });
});
