import { buildSchema } from 'graphql';
import { costIndexOf } from '../../../../src/security/cost';
import { bookshop, compile, costOf, estimate } from './fixtures';

describe('cost directives in a composed supergraph', () => {
  it('appear under the cost spec @link, with composition merging per-subgraph weights by max', () => {
    const { supergraphSdl } = bookshop();
    // What composition writes (federation 2.14, subgraphs importing @cost and @listSize from federation/v2.9).
    expect(supergraphSdl).toContain('@link(url: "https://specs.apollo.dev/cost/v0.1", import: ["@listSize"])');
    expect(supergraphSdl).toContain('directive @cost(weight: Int!) on ARGUMENT_DEFINITION | ENUM | FIELD_DEFINITION | INPUT_FIELD_DEFINITION | OBJECT | SCALAR');
    // Book.rating is @cost(weight: 4) in catalog and 9 in ratings: one merged application, no @join__directive.
    expect(supergraphSdl).toMatch(/\n\s+rating: Int @cost\(weight: 9\)\n/);
    expect(supergraphSdl).not.toMatch(/@join__directive\(graphs: \[(?!join__Graph!\])/);
  });

  it('are indexed per schema coordinate', () => {
    const { index } = bookshop();
    expect(index.fieldWeights.get('Query.expensiveCount')).toBe(6);
    expect(index.fieldWeights.get('Book.rating')).toBe(9);
    expect(index.typeWeights.get('Author')).toBe(2);
    expect(index.typeWeights.get('Money')).toBe(5);
    expect(index.typeWeights.get('Genre')).toBe(2);
    expect(index.argumentWeights.get('Query.search(term:)')).toBe(4);
    expect(index.inputFieldWeights.get('BookFilter.minPages')).toBe(3);
    expect(index.listSizes.get('Query.books')).toEqual({ assumedSize: undefined, slicingArguments: ['first', 'last'], sizedFields: [], requireOneSlicingArgument: true });
    expect(index.listSizes.get('Query.bookConnection')?.sizedFields).toEqual(['edges']);
    expect(index.listSizes.get('Query.booksLoose')?.requireOneSlicingArgument).toBe(false);
  });

  it('reads the same index from graphql-js buildSchema of the supergraph SDL', () => {
    const { supergraphSdl, index } = bookshop();
    expect(costIndexOf(buildSchema(supergraphSdl))).toEqual(index);
  });

  it('follows import renames the supergraph @link declares', () => {
    const sdl = `
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", { name: "@cost", as: "@price" }, { name: "@listSize", as: "@size" }])
      type Query { items(first: Int): [Item] @size(slicingArguments: ["first"]) total: Int @price(weight: 7) }
      type Item @key(fields: "id") @price(weight: 3) { id: ID! }
    `;
    const compiled = compile([{ name: 'shop', sdl }]);
    expect(compiled.supergraphSdl).toContain('@link(url: "https://specs.apollo.dev/cost/v0.1", import: [{name: "@cost", as: "@price"}, {name: "@listSize", as: "@size"}])');
    expect(compiled.index.fieldWeights.get('Query.total')).toBe(7);
    expect(compiled.index.typeWeights.get('Item')).toBe(3);
    expect(estimate('{ items(first: 4) { id } total }', {}, { compiled }).cost).toBe(4 * 3 + 7);
  });

  it('follows the namespace of a link imported with `as` and nothing imported', () => {
    const sdl = `
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", as: "fed", import: ["@key"])
      type Query { items(first: Int): [Item] @fed__listSize(slicingArguments: ["first"]) total: Int @fed__cost(weight: 7) }
      type Item @key(fields: "id") { id: ID! }
    `;
    const compiled = compile([{ name: 'shop', sdl }]);
    expect(compiled.supergraphSdl).toContain('import: [{name: "@cost", as: "@fed__cost"}, {name: "@listSize", as: "@fed__listSize"}]');
    expect(estimate('{ items(first: 4) { id } total }', {}, { compiled }).cost).toBe(4 + 7);
  });

  it('names @listSize cost__listSize when only @cost is imported', () => {
    const compiled = compile([{ name: 'shop', sdl: `
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@cost"])
      type Query { total: Int @cost(weight: 7) }
    ` }]);
    expect(compiled.supergraphSdl).toContain('directive @cost__listSize(');
    expect(compiled.index.fieldWeights.get('Query.total')).toBe(7);
  });

  it('gives a supergraph without cost directives the default weights', () => {
    const compiled = compile([{ name: 'shop', sdl: `
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
      type Query { items: [Item] }
      type Item @key(fields: "id") { id: ID! }
    ` }]);
    expect(compiled.index.fieldWeights.size + compiled.index.listSizes.size + compiled.index.typeWeights.size).toBe(0);
    expect(estimate('{ items { id } }', {}, { compiled, defaultListSize: 6 }).cost).toBe(6);
  });

  it('reads a plain (unfederated) schema that defines @cost itself, interface fields included', () => {
    // Federation rejects @cost / @listSize on interface fields; IBM-style schemas may have them.
    const schema = buildSchema(`
      directive @cost(weight: Int!) on ARGUMENT_DEFINITION | ENUM | FIELD_DEFINITION | INPUT_FIELD_DEFINITION | OBJECT | SCALAR | INTERFACE | UNION
      directive @listSize(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!], requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION
      type Query { node: Node }
      interface Node @cost(weight: 4) { summary: String @cost(weight: 3) friends: [Node] @listSize(assumedSize: 2) }
      type Person implements Node { summary: String friends: [Node] }
    `);
    const index = costIndexOf(schema);
    expect(index.typeWeights.get('Node')).toBe(4);
    // The implementation inherits what its interface field declares.
    expect(index.fieldWeights.get('Person.summary')).toBe(3);
    expect(index.listSizes.get('Person.friends')?.assumedSize).toBe(2);
  });

  it('the fixture rejects operations that do not validate (a typo must not cost 0)', () => {
    expect(() => costOf('{ nope }')).toThrow(/invalid operation/);
  });
});
