import { buildSubgraphSchema } from '@apollo/subgraph';
import type { SubgraphDefinition } from '../common/definition';
import { loadTypeDefs } from '../common/schema';
import { InventoryDataLayer } from './data';
import { createLoaders, type InventoryContext } from './loaders';
import { resolvers } from './resolvers';

const typeDefs = loadTypeDefs(__dirname);

export const inventory: SubgraphDefinition<InventoryDataLayer, InventoryContext> = {
  name: 'inventory',
  typeDefs,
  build() {
    const data = new InventoryDataLayer();
    return {
      schema: buildSubgraphSchema([{ typeDefs, resolvers }]),
      dataLayer: data,
      createContext: ({ headers }) => ({ headers, loaders: createLoaders(data) }),
    };
  },
};
