import { parse, buildSchema, type OperationDefinitionNode } from 'graphql';
import type { FetchNode } from '@apollo/query-planner';
import { canonicalJson, entitiesInResult, entityKeyId, EntityKeys, fetchTagsOf, parseCacheControl, tagsOf } from '../../../src/cache';
import { composeSubgraphs } from '../../../src/composition';
import { Supergraph } from '@apollo/federation-internals';

describe('parseCacheControl', () => {
  it.each([
    [undefined, { maxAge: 0, scope: 'PUBLIC' }],
    ['max-age=60, public', { maxAge: 60, scope: 'PUBLIC' }],
    ['private, max-age=30', { maxAge: 30, scope: 'PRIVATE' }],
    ['max-age="15"', { maxAge: 15, scope: 'PUBLIC' }],
    ['max-age=60, no-store', { maxAge: 0, scope: 'PUBLIC' }],
    ['no-cache', { maxAge: 0, scope: 'PUBLIC' }],
    ['max-age=abc', { maxAge: 0, scope: 'PUBLIC' }],
    ['public', { maxAge: 0, scope: 'PUBLIC' }],
  ])('%s', (header, expected) => {
    expect(parseCacheControl(header)).toEqual(expected);
  });

  it('reads cache tags separated by commas and spaces', () => {
    expect(parseCacheControl('max-age=5', 'a, b c,,d')).toEqual({ maxAge: 5, scope: 'PUBLIC', tags: ['a', 'b', 'c', 'd'] });
  });
});

describe('entity keys and invalidation tags', () => {
  const composed = composeSubgraphs([
    { name: 'a', url: 'http://a', sdl: 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"]) type Query { p: P, orders: [Order] } type P @key(fields: "id") @key(fields: "sku region { code }") { id: ID!, sku: String!, region: Region!, name: String } type Region { code: String! } type Order @key(fields: "number") { number: Int!, items: [P] }' },
    { name: 'b', url: 'http://b', sdl: 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"]) type P @key(fields: "id") { id: ID!, stock: Int }' },
  ]);
  if (!composed.ok) throw new Error('composition failed');
  const supergraph = Supergraph.build(composed.supergraphSdl);
  const keys = EntityKeys.of(supergraph.schema.toGraphQLJSSchema());

  it('finds a key a subgraph declares, nested keys included', () => {
    expect(keys.isEntity('P')).toBe(true);
    expect(keys.isEntity('Region')).toBe(false);
    expect(keys.keyOf('P', { __typename: 'P', id: '1', name: 'x' }, 'b')).toEqual({ id: '1' });
    expect(keys.keyOf('P', { sku: 's', region: { code: 'eu', other: 1 } }, 'a')).toEqual({ sku: 's', region: { code: 'eu' } });
    expect(keys.keyOf('P', { sku: 's' }, 'b')).toBeUndefined();
    expect(keys.keyOf('Region', { code: 'eu' })).toBeUndefined();
  });

  it('hashes keys whatever the member order', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
    expect(entityKeyId({ sku: 's', region: { code: 'eu' } })).toBe(entityKeyId({ region: { code: 'eu' }, sku: 's' }));
    expect(entityKeyId({ id: '1' })).not.toBe(entityKeyId({ id: 1 }));
  });

  it('names the markers each target writes', () => {
    expect(tagsOf({ subgraph: 'a' })).toEqual(['s:a']);
    expect(tagsOf({ type: 'P' })).toEqual(['t:P']);
    expect(tagsOf({ tag: 'x' })).toEqual(['g:x']);
    expect(tagsOf({ type: 'P', key: { id: '1' } })).toEqual([`e:P:${entityKeyId({ id: '1' })}`, 'n:P']);
  });

  it('tags a fetch by subgraph and the types it returns', () => {
    const schema = supergraph.schema.toGraphQLJSSchema();
    const entities = { kind: 'Fetch', serviceName: 'a', requires: [{ kind: 'InlineFragment', typeCondition: 'Order', selections: [] }], operation: 'query($representations:[_Any!]!){_entities(representations:$representations){...on Order{items{name region{code}}}}}' } as unknown as FetchNode;
    expect(fetchTagsOf(entities, schema)).toEqual({ entry: ['s:a', 't:Order', 't:P', 'n:P', 't:Region', 'n:Region'], response: ['s:a', 't:Order', 't:P', 'n:P', 't:Region', 'n:Region', 'n:Order'] });
    const root = { kind: 'Fetch', serviceName: 'a', operation: '{p{id name}}' } as unknown as FetchNode;
    expect(fetchTagsOf(root, schema).entry).toEqual(['s:a', 't:P', 'n:P']);
  });

  it('finds the entities a result holds, through fragments and lists', () => {
    const api = buildSchema('type Query { p: P } type Mutation { order: Order } type P { id: ID!, sku: String, name: String } type Order { number: Int!, items: [P] }');
    const document = parse('mutation { order { number items { ...F } } } fragment F on P { id name }');
    const operation = document.definitions[0] as OperationDefinitionNode;
    const fragments = new Map([['F', document.definitions[1] as never]]);
    const found = entitiesInResult(api, operation, fragments, { order: { number: 7, items: [{ id: '1', name: 'a' }, null, { id: '2', name: 'b' }] } }, keys);
    expect(found).toEqual([
      { type: 'Order', key: { number: 7 } },
      { type: 'P', key: { id: '1' } },
      { type: 'P', key: { id: '2' } },
    ]);
  });
});
