import { buildSubgraphSchema } from '@apollo/subgraph';
import type { SubgraphDefinition } from '../common/definition';
import { loadTypeDefs } from '../common/schema';
import { AccountsDataLayer } from './data';
import { createLoaders, type AccountsContext } from './loaders';
import { privateAnswers } from './privateAnswers';
import { resolvers } from './resolvers';

const typeDefs = loadTypeDefs(__dirname);

export const accounts: SubgraphDefinition<AccountsDataLayer, AccountsContext> = {
  name: 'accounts',
  typeDefs,
  build() {
    const data = new AccountsDataLayer();
    return {
      schema: buildSubgraphSchema([{ typeDefs, resolvers }]),
      dataLayer: data,
      plugins: [privateAnswers()],
      createContext: ({ headers }) => ({ headers, data, loaders: createLoaders(data) }),
    };
  },
};
