import { buildSubgraphSchema } from '@apollo/subgraph';
import type { SubgraphDefinition } from '../common/definition';
import { loadTypeDefs } from '../common/schema';
import { ReviewsDataLayer } from './data';
import { createInProcessFeed } from './feed';
import { createLoaders, type ReviewsContext } from './loaders';
import { createRedisFeed } from './redisFeed';
import { resolvers } from './resolvers';

const typeDefs = loadTypeDefs(__dirname);

export const reviews: SubgraphDefinition<ReviewsDataLayer, ReviewsContext> = {
  name: 'reviews',
  typeDefs,
  build(options = {}) {
    // One data layer per built instance: created reviews belong to that server only. New-review events
    // are shared with the other replicas when Redis is configured.
    const { redisUrl, channelPrefix } = options.pubSub ?? {};
    const feed = redisUrl ? createRedisFeed({ url: redisUrl, channelPrefix }) : createInProcessFeed();
    const data = new ReviewsDataLayer(undefined, feed);
    return {
      schema: buildSubgraphSchema([{ typeDefs, resolvers }]),
      dataLayer: data,
      createContext: ({ headers }) => ({ headers, data, loaders: createLoaders(data) }),
      start: () => feed.start(),
      stop: () => feed.stop(),
    };
  },
};
