import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROUTER_SUPPORTED_SUPERGRAPH_FEATURES, Supergraph } from '@apollo/federation-internals';
import type { GraphQLSchema } from 'graphql';
import { composeSubgraphs, formatIssue } from '../../../src/composition';
import { affectedOperations, type KnownOperation } from '../../../src/registry/operationUsage';
import { diffSchemas } from '../../../src/registry/schemaDiff';

const NAMES = ['accounts', 'inventory', 'products', 'reviews'] as const;
const sdlOf = (name: string) => readFileSync(join(__dirname, '../../../subgraphs', name, 'schema.graphql'), 'utf8');

/** The API schema clients see when the sample subgraphs (with `overrides` in place of some SDLs) are composed. */
function apiSchema(overrides: Partial<Record<(typeof NAMES)[number], string>> = {}): GraphQLSchema {
  const composed = composeSubgraphs(NAMES.map((name) => ({ name, url: `http://${name}/graphql`, sdl: overrides[name] ?? sdlOf(name) })));
  if (!composed.ok) throw new Error(`composition failed:\n${composed.errors.map(formatIssue).join('\n')}`);
  return Supergraph.build(composed.supergraphSdl, { supportedFeatures: ROUTER_SUPPORTED_SUPERGRAPH_FEATURES }).apiSchema().toGraphQLJSSchema();
}

/** Replaces `find` in a subgraph's SDL, failing when it is not there (the test would check nothing). */
function editSdl(name: string, find: string, replace: string): string {
  const sdl = sdlOf(name);
  if (!sdl.includes(find)) throw new Error(`not in ${name}: ${find}`);
  return sdl.replace(find, replace);
}

const operations: KnownOperation[] = [
  { name: 'TopReviews', source: 'manifest', id: 'top-reviews', clientName: 'web', body: 'query TopReviews { topProducts { name reviews { body author { name } } } }' },
  { name: 'Shipping', source: 'manifest', id: 'shipping', clientName: 'web', body: 'query Shipping($upc: String!) { product(upc: $upc) { name price shippingEstimate } }' },
  { name: 'Post', source: 'traffic', body: 'mutation Post($input: CreateReviewInput!) { createReview(input: $input) { id } }' },
];

describe('schema checks over the sample subgraphs', () => {
  const before = apiSchema();

  it('finds no change when the same subgraphs compose again', () => {
    expect(diffSchemas(before, apiSchema())).toEqual([]);
  });

  it('reports reviews dropping Review.body as breaking and the operation selecting it as affected', () => {
    const after = apiSchema({ reviews: editSdl('reviews', '  body: String\n  author: User\n', '  author: User\n') });
    const changes = diffSchemas(before, after);
    expect(changes).toEqual([{ kind: 'FIELD_REMOVED', coordinate: 'Review.body', breaking: true, description: 'Field "Review.body" was removed.' }]);
    expect(affectedOperations(changes, before, after, operations)).toEqual([
      { name: 'TopReviews', id: 'top-reviews', source: 'manifest', clientName: 'web', changes: ['Review.body'], errors: ['Cannot query field "body" on type "Review".'] },
    ]);
  });

  it('reports products renaming topProducts and retyping product(upc:) with the operations using each', () => {
    const products = editSdl('products', '  topProducts(first: Int = 5)', '  featuredProducts(first: Int = 5)').replace('product(upc: String!)', 'product(upc: ID!)');
    const after = apiSchema({ products });
    const changes = diffSchemas(before, after);
    expect(changes.map(({ kind, coordinate, breaking }) => ({ kind, coordinate, breaking }))).toEqual([
      { kind: 'FIELD_ADDED', coordinate: 'Query.featuredProducts', breaking: false },
      { kind: 'ARG_TYPE_CHANGED', coordinate: 'Query.product(upc:)', breaking: true },
      { kind: 'FIELD_REMOVED', coordinate: 'Query.topProducts', breaking: true },
    ]);
    expect(affectedOperations(changes, before, after, operations).map(({ name, changes: used, errors }) => ({ name, used, errors }))).toEqual([
      { name: 'Shipping', used: ['Query.product(upc:)'], errors: ['Variable "$upc" of type "String!" used in position expecting type "ID!".'] },
      { name: 'TopReviews', used: ['Query.topProducts'], errors: ['Cannot query field "topProducts" on type "Query". Did you mean "product"?'] },
    ]);
  });
});
