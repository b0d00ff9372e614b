import { buildSubgraphSchema } from '@apollo/subgraph';
import type { SubgraphDefinition } from '../common/definition';
import { loadTypeDefs } from '../common/schema';
import { InventoryDataLayer } from './data';
import { createLoaders, type InventoryContext } from './loaders';
import { createResolvers } from './resolvers';

const typeDefs = loadTypeDefs(__dirname);

export const inventory: SubgraphDefinition<InventoryDataLayer, InventoryContext> = {
  name: 'inventory',
  typeDefs,
  build(options = {}) {
    const data = new InventoryDataLayer();
    const resolvers = createResolvers({ shippingDelayMs: options.shippingDelayMs ?? 0 });
    return {
      schema: buildSubgraphSchema([{ typeDefs, resolvers }]),
      dataLayer: data,
      createContext: ({ headers }) => ({ headers, loaders: createLoaders(data) }),
    };
  },
};
