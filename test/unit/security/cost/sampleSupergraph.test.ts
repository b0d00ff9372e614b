import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCHMARK_QUERY } from '../../../../bench/queries';
import { compile, estimate, actualOf } from './fixtures';

// The four sample subgraphs as on disk, with their @listSize / @cost annotations.
const sample = compile(
  ['accounts', 'inventory', 'products', 'reviews'].map((name) => ({
    name,
    sdl: readFileSync(join(__dirname, '../../../../subgraphs', name, 'schema.graphql'), 'utf8'),
  })),
);

describe('cost of the sample supergraph', () => {
  it('reads the annotations of the sample subgraphs', () => {
    expect(sample.index.listSizes.get('Query.users')).toEqual({ assumedSize: undefined, slicingArguments: ['first'], sizedFields: [], requireOneSlicingArgument: false });
    expect(sample.index.listSizes.get('Query.topProducts')?.slicingArguments).toEqual(['first']);
    expect(sample.index.listSizes.get('User.reviews')?.assumedSize).toBe(5);
    expect(sample.index.listSizes.get('Product.reviews')?.assumedSize).toBe(10);
    expect(sample.index.fieldWeights.get('Product.shippingEstimate')).toBe(2);
  });

  it('estimates the benchmark query', () => {
    // Product fragment: 1 + shippingEstimate 2 = 3. Innermost review (with product) 1 + 3 = 4.
    // An author with 5 reviews: 1 + 5×4 = 21; a review with its author: 22; a product with 10 such reviews: 3 + 220 = 223.
    // users (schema default first: 10): 10 × (1 + 5 × (1 + 223)) = 11210. topProducts (default 5): 5 × 223 = 1115.
    expect(estimate(BENCHMARK_QUERY, {}, { compiled: sample, operationName: 'TestQuery' })).toEqual({ cost: 11210 + 1115, errors: [] });
  });

  it('estimates topProducts(first: 100) with its reviews', () => {
    expect(estimate('{ topProducts(first: 100) { name reviews { body } } }', {}, { compiled: sample })).toEqual({ cost: 100 * (1 + 10), errors: [] });
  });

  it('prices a mutation above the same selection as a query', () => {
    const mutation = 'mutation { createReview(input: { productUpc: "1", body: "ok" }) { id product { shippingEstimate } } }';
    expect(estimate(mutation, {}, { compiled: sample }).cost).toBe(10 + 1 + 3);
    expect(actualOf(mutation, { createReview: { id: '301', product: { shippingEstimate: 5 } } }, {}, sample)).toBe(10 + 1 + 3);
  });
});
