import { buildSchema, Kind } from 'graphql';
import type { QueryPlanSelectionNode } from '@apollo/query-planner';
import { Representations } from '../../../src/gateway/execution/representations';

const schema = buildSchema(`
  interface Node { id: ID! }
  type Product implements Node { id: ID! upc: String! dims: Dims }
  type Review implements Node { id: ID! }
  type Dims { w: Int h: Int }
  type Query { a: Int }
`);

const field = (name: string, selections?: QueryPlanSelectionNode[]): QueryPlanSelectionNode => ({ kind: Kind.FIELD, name, ...(selections ? { selections } : {}) }) as QueryPlanSelectionNode;
const on = (typeCondition: string, selections: QueryPlanSelectionNode[]): QueryPlanSelectionNode => ({ kind: Kind.INLINE_FRAGMENT, typeCondition, selections }) as QueryPlanSelectionNode;

function distinct(requires: QueryPlanSelectionNode[], entities: Array<Record<string, unknown>>) {
  const reps = new Representations(schema, requires, undefined);
  entities.forEach((e, i) => reps.add(e, i));
  return { list: reps.list, owners: reps.owners };
}

describe('Representations: each distinct representation once, with the entities its answer goes to', () => {
  const entities = [
    { __typename: 'Product', upc: '1', name: 'a' },
    { __typename: 'Product', upc: '2' },
    { __typename: 'Product', upc: '1', other: true },
    { __typename: 'Product', upc: 1 },
    { __typename: 'Product' },
    { upc: '3' },
    { __typename: 'Review', id: 'r1' },
    { __typename: 'Product', upc: '2' },
  ];

  it('dedups a flat key selection by value (1 and "1" stay apart), skips entities without the key or a __typename', () => {
    expect(distinct([field('__typename'), field('upc')], entities)).toEqual({
      list: [{ __typename: 'Product', upc: '1' }, { __typename: 'Product', upc: '2' }, { __typename: 'Product', upc: 1 }],
      owners: [[0, 2], [1, 7], [3]],
    });
  });

  it('answers the same for a key selection inside `... on Type` (as Hive plans it), other types included as select does', () => {
    expect(distinct([on('Product', [field('__typename'), field('upc')])], entities)).toEqual({
      list: [{ __typename: 'Product', upc: '1' }, { __typename: 'Product', upc: '2' }, { __typename: 'Product', upc: 1 }],
      owners: [[0, 2], [1, 7], [3]],
    });
    // An abstract condition: the general way, same answers.
    expect(distinct([on('Node', [field('__typename'), field('id')])], [{ __typename: 'Review', id: 'r1' }, { __typename: 'Product', id: 'r1' }, { __typename: 'Review', id: 'r1' }])).toEqual({
      list: [{ __typename: 'Review', id: 'r1' }, { __typename: 'Product', id: 'r1' }],
      owners: [[0, 2], [1]],
    });
  });

  it('keys structured values (a nested selection, an object-valued field) by their JSON', () => {
    const nested = [field('__typename'), field('dims', [field('w'), field('h')])];
    const withDims = [
      { __typename: 'Product', dims: { w: 1, h: 2, x: 9 } },
      { __typename: 'Product', dims: { h: 2, w: 1 } },
      { __typename: 'Product', dims: { w: 1, h: 3 } },
    ];
    expect(distinct(nested, withDims)).toEqual({ list: [{ __typename: 'Product', dims: { w: 1, h: 2 } }, { __typename: 'Product', dims: { w: 1, h: 3 } }], owners: [[0, 1], [2]] });
    const flatButObject = [field('__typename'), field('dims')];
    expect(distinct(flatButObject, [withDims[1] as Record<string, unknown>, { __typename: 'Product', dims: { h: 2, w: 1 } }]).owners).toEqual([[0, 1]]);
  });
});
