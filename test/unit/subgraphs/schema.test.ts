import { composeServices } from '@apollo/composition';
import { SUBGRAPHS, SUBGRAPH_NAMES } from '../../../subgraphs';

describe('the schema.graphql files', () => {
  it('compose into one supergraph as they are on disk (what supergraph.yaml points at)', () => {
    const result = composeServices(
      SUBGRAPH_NAMES.map((name) => ({ name, url: `http://${name}.invalid/graphql`, typeDefs: SUBGRAPHS[name].typeDefs })),
    );
    expect(result.errors).toBeUndefined();
    expect(result.supergraphSdl).toContain('type Review');
  });

  it('compose without hints, and keep cache-control types out of the API schema', () => {
    const result = composeServices(
      SUBGRAPH_NAMES.map((name) => ({ name, url: `http://${name}.invalid/graphql`, typeDefs: SUBGRAPHS[name].typeDefs })),
    );
    expect((result.hints ?? []).map((hint) => `${hint.definition.code}: ${hint.message}`)).toEqual([]);
    const api = result.schema?.toAPISchema().toGraphQLJSSchema();
    expect(api?.getType('Product')?.toString()).toBe('Product');
    expect(api?.getType('CacheControlScope')).toBeUndefined();
  });

  it('each build into a subgraph schema with the entities they declare', () => {
    for (const name of SUBGRAPH_NAMES) {
      const { schema } = SUBGRAPHS[name].build();
      expect(schema.getQueryType()?.getFields()).toHaveProperty('_service');
    }
    expect(SUBGRAPHS.reviews.build().schema.getMutationType()?.getFields()).toHaveProperty('createReview');
  });
});
