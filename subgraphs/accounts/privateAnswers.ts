import type { ApolloServerPlugin } from '@apollo/server';

/**
 * Every accounts answer is about users, so every one is private (`Cache-Control: …, private`): shared caches
 * must key it by caller. Said here rather than with `@cacheControl(scope: PRIVATE)`, whose CacheControlScope
 * enum composition would report as an unused type in every supergraph. Restricted once execution has ended:
 * a policy restricted before it would make the cache-control plugin skip the schema's maxAge hints.
 */
export function privateAnswers(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async executionDidStart({ overallCachePolicy }) {
          return {
            async executionDidEnd() {
              overallCachePolicy.restrict({ scope: 'PRIVATE' });
            },
          };
        },
      };
    },
  };
}
