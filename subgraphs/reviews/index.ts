import { buildSubgraphSchema } from '@apollo/subgraph';
import type { SubgraphDefinition } from '../common/definition';
import { loadTypeDefs } from '../common/schema';
import { ReviewsDataLayer } from './data';
import { createLoaders, type ReviewsContext } from './loaders';
import { resolvers } from './resolvers';

const typeDefs = loadTypeDefs(__dirname);

export const reviews: SubgraphDefinition<ReviewsDataLayer, ReviewsContext> = {
  name: 'reviews',
  typeDefs,
  build() {
    // One data layer per built instance: created reviews belong to that server only.
    const data = new ReviewsDataLayer();
    return {
      schema: buildSubgraphSchema([{ typeDefs, resolvers }]),
      dataLayer: data,
      createContext: ({ headers }) => ({ headers, data, loaders: createLoaders(data) }),
    };
  },
};
