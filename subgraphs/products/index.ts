import { buildSubgraphSchema } from '@apollo/subgraph';
import type { SubgraphDefinition } from '../common/definition';
import { loadTypeDefs } from '../common/schema';
import { ProductsDataLayer } from './data';
import { createLoaders, type ProductsContext } from './loaders';
import { resolvers } from './resolvers';

const typeDefs = loadTypeDefs(__dirname);

export const products: SubgraphDefinition<ProductsDataLayer, ProductsContext> = {
  name: 'products',
  typeDefs,
  build() {
    const data = new ProductsDataLayer();
    return {
      schema: buildSubgraphSchema([{ typeDefs, resolvers }]),
      dataLayer: data,
      createContext: ({ headers }) => ({ headers, data, loaders: createLoaders(data) }),
    };
  },
};
