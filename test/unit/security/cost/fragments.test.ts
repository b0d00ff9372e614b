import { Kind, OperationTypeNode, validate, type DocumentNode, type FieldNode, type SelectionSetNode } from 'graphql';
import { bookshop, costOf, operation } from './fixtures';
import { actualCost, estimateCost } from '../../../../src/security/cost';

/**
 * `{ book(id: "1") { sequel { sequel { … { id } } } } }` built as an AST: graphql-js's recursive
 * parser itself runs out of stack near this depth under jest, and the gateway's depth limit normally
 * stops such documents first; the cost functions must survive them regardless.
 */
function deepSequels(depth: number): DocumentNode {
  const field = (name: string, selectionSet?: SelectionSetNode, args: FieldNode['arguments'] = []): FieldNode => ({
    kind: Kind.FIELD,
    name: { kind: Kind.NAME, value: name },
    arguments: args,
    directives: [],
    ...(selectionSet ? { selectionSet } : {}),
  });
  const set = (selection: FieldNode): SelectionSetNode => ({ kind: Kind.SELECTION_SET, selections: [selection] });
  let inner = set(field('id'));
  for (let i = 0; i < depth; i++) inner = set(field('sequel', inner));
  const id = { kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: 'id' }, value: { kind: Kind.STRING, value: '1' } } as const;
  return {
    kind: Kind.DOCUMENT,
    definitions: [{ kind: Kind.OPERATION_DEFINITION, operation: OperationTypeNode.QUERY, variableDefinitions: [], directives: [], selectionSet: set(field('book', inner, [id])) }],
  };
}

describe('estimateCost: fragments and abstract types', () => {
  it('counts through named fragment spreads and inline fragments', () => {
    const named = '{ shelf { ...B } } fragment B on Book { title author { ...A } } fragment A on Author { name }';
    expect(costOf(named)).toBe(7 * (1 + 2));
    expect(costOf('{ shelf { ... on Book { title author { ... { name } } } } }')).toBe(7 * (1 + 2));
  });

  it('merges selections as execution does: a repeated fragment or field is one execution', () => {
    const once = costOf('{ shelf { ...B } } fragment B on Book { author { name } }');
    expect(costOf('{ shelf { ...B ...B } } fragment B on Book { author { name } }')).toBe(once);
    expect(costOf('{ book(id: "1") { author { name } author { id } } }')).toBe(1 + 2);
    // Aliases are separate executions.
    expect(costOf('{ a: book(id: "1") { id } b: book(id: "2") { id } }')).toBe(2);
  });

  it('takes the most expensive possible runtime type of an interface', () => {
    // As a Book: 1 + author 2 = 3. As an Author: 2 + 4 books × 1 = 6.
    const query = '{ node(id: "1") { id ... on Book { author { name } } ... on Author { books { title } } } }';
    expect(costOf(query)).toBe(6);
    expect(costOf('{ node(id: "1") { id ... on Book { author { name } } } }')).toBe(3);
    // A fragment on the interface itself applies to every implementation.
    expect(costOf('{ node(id: "1") { ...N } } fragment N on Node { id }')).toBe(2);
  });

  it('takes the most expensive member of a union, with each member’s own type weight', () => {
    // Film is @cost(weight: 5); a Book with its author is 1 + 2.
    expect(costOf('{ media { ... on Film { title } ... on Book { author { name } } } }')).toBe(5);
    expect(costOf('{ media { ... on Book { author { books { id } } } } }')).toBe(1 + 2 + 4);
    expect(costOf('{ media { __typename } }')).toBe(5);
  });
});

describe('estimateCost and actualCost on deep operations', () => {
  const depth = 2000;

  it(`costs a ${depth}-level operation, and its response, without overflowing the stack`, () => {
    const compiled = bookshop();
    const document = deepSequels(depth);
    expect(validate(compiled.apiSchema, document)).toEqual([]);
    expect(estimateCost(compiled.index, compiled.apiSchema, document, undefined, {}, { defaultListSize: 10 })).toEqual({ cost: depth + 1, errors: [] });
    let data: Record<string, unknown> = { id: 'last' };
    for (let i = 0; i < depth; i++) data = { sequel: data };
    expect(actualCost(compiled.index, compiled.apiSchema, document, undefined, { book: data }, {})).toBe(depth + 1);
  });

  it('survives far deeper documents (100,000 levels) too', () => {
    const compiled = bookshop();
    const result = estimateCost(compiled.index, compiled.apiSchema, deepSequels(100_000), undefined, {}, { defaultListSize: 10 });
    expect(result.cost).toBe(100_001);
  });

  it(`costs ${depth} nested inline fragments`, () => {
    expect(costOf(`{ book(id: "1") { ${'... { '.repeat(depth)} author { name } ${'}'.repeat(depth)} } }`)).toBe(1 + 2);
  });

  it('costs a fragment that fans out 2^30 ways without expanding it', () => {
    // F0 selects two aliased sequels that each spread F1, and so on: 2 + 4 + … + 2^30 sequels.
    const levels = 30;
    const fragments = Array.from({ length: levels }, (_, i) => `fragment F${i} on Book { a: sequel { ...F${i + 1} } b: sequel { ...F${i + 1} } }`);
    const query = `{ book(id: "1") { ...F0 } } ${fragments.join(' ')} fragment F${levels} on Book { id }`;
    const started = Date.now();
    expect(costOf(query)).toBe(2 ** (levels + 1) - 1);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('keeps a real deep list nesting finite (saturated), not Infinity', () => {
    const query = `{ shelf ${'{ author { books '.repeat(200)}{ id }${' } }'.repeat(200)} }`;
    const compiled = bookshop();
    const result = estimateCost(compiled.index, compiled.apiSchema, operation(compiled, query), undefined, {}, { defaultListSize: 10 });
    expect(result.cost).toBe(Number.MAX_SAFE_INTEGER);
  });
});
