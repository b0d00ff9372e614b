import { estimateCost } from '../../../../src/security/cost';
import { bookshop, costOf, estimate, operation } from './fixtures';

const MAX = Number.MAX_SAFE_INTEGER;

describe('estimateCost: weights', () => {
  it('charges objects 1 and scalars 0 by default', () => {
    expect(costOf('{ book(id: "1") { id title tags } }')).toBe(1);
    expect(costOf('{ book(id: "1") { sequel { sequel { id } } } }')).toBe(3);
  });

  it('uses @cost on a field, an object type, a scalar and an enum', () => {
    expect(costOf('{ expensiveCount }')).toBe(6);
    // Author is @cost(weight: 2): the book (1) plus its author (2).
    expect(costOf('{ book(id: "1") { author { name } } }')).toBe(3);
    expect(costOf('{ price }')).toBe(5);
    expect(costOf('{ genre }')).toBe(2);
    // Book.rating @cost(weight: 9) after composition took the max of 4 and 9.
    expect(costOf('{ book(id: "1") { rating } }')).toBe(1 + 9);
  });

  it('charges an argument’s @cost once when the operation supplies it', () => {
    // search: assumedSize 2 books at 1 each.
    expect(costOf('{ search { id } }')).toBe(2);
    expect(costOf('{ search(term: "dune") { id } }')).toBe(2 + 4);
    expect(costOf('query($t: String) { search(term: $t) { id } }', { t: 'dune' })).toBe(2 + 4);
    // A variable nobody set means the argument is not supplied; an explicit null supplies nothing.
    expect(costOf('query($t: String) { search(term: $t) { id } }')).toBe(2);
    expect(costOf('{ search(term: null) { id } }')).toBe(2);
  });

  it('charges the @cost of each input field present, at any depth, from literals and variables', () => {
    expect(costOf('{ search(filter: { minPages: 100, author: { name: "Herbert" } }) { id } }')).toBe(2 + 3 + 2);
    expect(costOf('{ search(filter: { author: {} }) { id } }')).toBe(2);
    expect(costOf('query($f: BookFilter) { search(filter: $f) { id } }', { f: { minPages: 1 } })).toBe(2 + 3);
    expect(costOf('query($f: BookFilter) { search(filter: $f) { id } }', { f: { minPages: null, author: { name: 'x' } } })).toBe(2 + 2);
    expect(costOf('query($n: Int) { search(filter: { minPages: $n }) { id } }')).toBe(2);
  });

  it('adds 10 to a mutation', () => {
    expect(costOf('mutation { addBook(input: { title: "x" }) { id } }')).toBe(10 + 1);
    expect(costOf('mutation { addBook(input: { title: "x", isbn: "y" }) { author { name } } }')).toBe(10 + 8 + 1 + 2);
  });

  it('skips what @skip / @include leave out', () => {
    const query = 'query($s: Boolean!) { expensiveCount @skip(if: $s) price }';
    expect(costOf(query, { s: true })).toBe(5);
    expect(costOf(query, { s: false })).toBe(6 + 5);
    expect(costOf('{ expensiveCount @include(if: false) genre }')).toBe(2);
  });
});

describe('estimateCost: list sizes', () => {
  it('multiplies by a literal slicing argument', () => {
    expect(costOf('{ books(first: 3) { id } }')).toBe(3);
    expect(costOf('{ books(first: 3) { title author { name } } }')).toBe(3 * (1 + 2));
    expect(costOf('{ books(first: 0) { author { name } } }')).toBe(0);
  });

  it('resolves the slicing argument through a variable and the variable’s default', () => {
    expect(costOf('query($n: Int) { books(first: $n) { id } }', { n: 25 })).toBe(25);
    expect(costOf('query($n: Int = 12) { books(first: $n) { id } }')).toBe(12);
    expect(costOf('query($n: Int = 12) { books(first: $n) { id } }', { n: 4 })).toBe(4);
  });

  it('falls back to the argument’s schema default, which also satisfies requireOneSlicingArgument', () => {
    expect(estimate('{ booksPaged { id } }')).toEqual({ cost: 20, errors: [] });
    expect(costOf('{ booksPaged(first: 2) { id } }')).toBe(2);
  });

  it('uses assumedSize, then the configured defaultListSize', () => {
    expect(costOf('{ shelf { id } }')).toBe(7);
    expect(costOf('{ everything { id } }')).toBe(10);
    expect(costOf('{ everything { id } }', {}, { defaultListSize: 3 })).toBe(3);
    // A scalar list with a field weight pays it per item; each inner dimension takes defaultListSize.
    expect(costOf('{ matrix }')).toBe(10 * 10 * 1);
    expect(costOf('{ book(id: "1") { tags } }')).toBe(1);
  });

  it('sizes the sizedFields of a connection with the slicing argument, not the connection', () => {
    // connection (1) + 5 edges × (edge 1 + node 1)
    expect(costOf('{ bookConnection(first: 5) { totalCount edges { cursor node { title } } } }')).toBe(1 + 5 * (1 + 1));
    expect(costOf('{ bookConnection(first: 50) { totalCount } }')).toBe(1);
  });

  it('multiplies nested lists', () => {
    // 7 books × (1 + author (2 + 4 books × 1))
    expect(costOf('{ shelf { author { books { title } } } }')).toBe(7 * (1 + 2 + 4));
    expect(costOf('{ books(first: 3) { author { books { author { name } } } } }')).toBe(3 * (1 + 2 + 4 * (1 + 2)));
  });

  it('uses the largest slicing argument when several are given and they need not be one', () => {
    expect(estimate('{ booksLoose(first: 2, last: 5) { id } }')).toEqual({ cost: 5, errors: [] });
    expect(estimate('{ booksLoose { id } }')).toEqual({ cost: 10, errors: [] });
  });

  it('reports COST_SLICING_ARGUMENT_REQUIRED when none or two slicing arguments are given', () => {
    const none = estimate('{ books { id } }');
    expect(none.cost).toBe(10);
    expect(none.errors.map((e) => [e.extensions['code'], e.message])).toEqual([
      ['COST_SLICING_ARGUMENT_REQUIRED', 'Field "Query.books" requires exactly one of the slicing arguments "first", "last", but none was given.'],
    ]);
    expect(none.errors[0]?.nodes?.[0]?.loc?.start).toBe(2);

    const two = estimate('query($l: Int) { books(first: 2, last: $l) { id } }', { l: 5 });
    expect(two.cost).toBe(5);
    expect(two.errors.map((e) => e.extensions['code'])).toEqual(['COST_SLICING_ARGUMENT_REQUIRED']);
    expect(two.errors[0]?.message).toContain('but 2 were given');
    // A variable left unset does not count as given.
    expect(estimate('query($l: Int) { books(first: 2, last: $l) { id } }').errors).toEqual([]);
  });

  it('reports a violation once per field selection, however often it is costed', () => {
    const result = estimate('{ shelf { author { books { id } } } a: books { id } b: books { id } }');
    expect(result.errors).toHaveLength(2);
  });

  it('turns a huge slicing argument into a huge cost, saturating at MAX_SAFE_INTEGER', () => {
    expect(costOf('query($n: Int) { books(first: $n) { author { name } } }', { n: 1e15 })).toBe(3e15);
    expect(costOf('query($n: Int) { books(first: $n) { author { name } } }', { n: 2 ** 53 })).toBe(MAX);
    expect(costOf('query($n: Int) { books(first: $n) { author { books { author { id } } } } }', { n: 1e300 })).toBe(MAX);
    expect(costOf('query($n: Int) { books(first: $n) { id } }', { n: -5 })).toBe(0);
    expect(costOf('query($n: Int) { a: books(first: $n) { id } b: books(first: $n) { id } }', { n: MAX })).toBe(MAX);
    // JSON.parse('1e400') is Infinity: still a finite, capped cost, never NaN.
    expect(costOf('query($n: Int) { books(first: $n) { id } }', { n: Infinity })).toBe(MAX);
  });
});

describe('estimateCost: operations', () => {
  it('costs the named operation, and reports an unknown or ambiguous one', () => {
    const doc = 'query A { price } query B { genre }';
    expect(estimate(doc, {}, { operationName: 'B' })).toEqual({ cost: 2, errors: [] });
    const unknown = estimate(doc, {}, { operationName: 'C' });
    expect(unknown.errors.map((e) => e.extensions['code'])).toEqual(['OPERATION_RESOLUTION_FAILURE']);
    expect(estimate(doc).errors[0]?.message).toContain('Must provide operation name');
  });

  it('treats variables that are not an object (a plain-JS caller) as none supplied', () => {
    const compiled = bookshop();
    const document = operation(compiled, 'query($n: Int = 3) { books(first: $n) { id } }');
    expect(estimateCost(compiled.index, compiled.apiSchema, document, undefined, null as never, { defaultListSize: 10 }).cost).toBe(3);
  });

  it('charges nothing for __typename and introspection', () => {
    expect(costOf('{ __typename book(id: "1") { __typename } }')).toBe(1);
    expect(costOf('{ __schema { types { name } } }')).toBe(0);
  });
});
