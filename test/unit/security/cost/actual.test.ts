import { actualOf, costOf } from './fixtures';

describe('actualCost', () => {
  const query = '{ shelf { title author { name books { title } } } }';

  it('uses the real list lengths where the estimate assumed sizes', () => {
    const data = {
      shelf: [
        { title: 'Dune', author: { name: 'Herbert', books: [{ title: 'a' }, { title: 'b' }, { title: 'c' }] } },
        { title: 'Anon', author: null },
      ],
    };
    // Book 1 + author 2 + 3 books; book 1 with a null author.
    expect(actualOf(query, data)).toBe(1 + 2 + 3 + 1);
    expect(costOf(query)).toBe(7 * (1 + 2 + 4));
  });

  it('charges nothing for null or absent values, or null list items', () => {
    expect(actualOf(query, { shelf: null })).toBe(0);
    expect(actualOf(query, { shelf: [] })).toBe(0);
    expect(actualOf(query, { shelf: [null, { title: 'x' }, null] })).toBe(1);
    expect(actualOf(query, null)).toBe(0);
    expect(actualOf(query, undefined)).toBe(0);
  });

  it('applies field, type, scalar, enum and argument weights as the estimate does', () => {
    expect(actualOf('{ expensiveCount price genre }', { expensiveCount: 3, price: '1.00', genre: 'FACT' })).toBe(6 + 5 + 2);
    expect(actualOf('{ expensiveCount price }', { expensiveCount: null, price: null })).toBe(0);
    const search = 'query($f: BookFilter) { search(term: "x", filter: $f) { id } }';
    expect(actualOf(search, { search: [{ id: '1' }] }, { f: { minPages: 3 } })).toBe(4 + 3 + 1);
    // Scalar lists with a field weight pay per item actually returned.
    expect(actualOf('{ matrix }', { matrix: [[1, 2], [3], null, [null]] })).toBe(3);
  });

  it('adds 10 for a mutation', () => {
    expect(actualOf('mutation { addBook(input: { title: "x", isbn: "y" }) { id } }', { addBook: { id: '9' } })).toBe(10 + 8 + 1);
  });

  it('costs sized connection edges by the edges returned', () => {
    const data = { bookConnection: { totalCount: 99, edges: [{ cursor: 'a', node: { title: 't' } }, { cursor: 'b', node: null }] } };
    expect(actualOf('{ bookConnection(first: 50) { totalCount edges { cursor node { title } } } }', data)).toBe(1 + 2 + 1);
  });

  it('weighs an abstract value by the runtime type its __typename reports', () => {
    const media = '{ media { __typename ... on Film { title } ... on Book { author { name } } } }';
    expect(actualOf(media, { media: { __typename: 'Film', title: 'Alien' } })).toBe(5);
    expect(actualOf(media, { media: { __typename: 'Book', author: { name: 'x' } } })).toBe(1 + 2);
    // Without __typename every fragment may apply, but only the keys present are charged.
    expect(actualOf('{ node(id: "1") { ... on Author { books { id } } ... on Book { author { id } } } }', { node: { author: { id: 'a' } } })).toBe(1 + 2);
  });

  it('counts merged and aliased selections by the response keys present', () => {
    const q = '{ a: book(id: "1") { ...B } b: book(id: "2") { author { id } } } fragment B on Book { author { name } author { id } }';
    expect(actualOf(q, { a: { author: { name: 'n', id: '1' } }, b: { author: null } })).toBe(1 + 2 + 1);
  });
});
