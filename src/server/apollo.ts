import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import type { JunctionConfig } from '../config';
import type { JunctionGateway } from '../gateway';
import { apolloLogger, type Logger } from '../observability';
import { createErrorFormatter } from './formatError';

/**
 * Apollo Server over Junction's gateway. Plugin order: the landing page is the only plugin so far; later
 * request-path plugins (limits, auth, caching) go before execution-affecting ones, as ARCHITECTURE.md lists.
 */
export function createApolloServer(gateway: JunctionGateway, config: JunctionConfig, logger: Logger): ApolloServer {
  return new ApolloServer({
    gateway: gateway as unknown as ConstructorParameters<typeof ApolloServer>[0] extends { gateway?: infer G } ? G : never,
    logger: apolloLogger(logger),
    introspection: config.graphql.introspection,
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    // Junction owns the process lifecycle (graceful drain in server/junction.ts), not Apollo Server.
    stopOnTerminationSignals: false,
    formatError: createErrorFormatter({ production: config.production, logger }),
    plugins: [
      // Apollo Sandbox, embedded and pointed at this endpoint; it asks for plans with Apollo-Query-Plan-Experimental.
      config.graphql.landingPage ? ApolloServerPluginLandingPageLocalDefault({ embed: true, footer: false }) : ApolloServerPluginLandingPageDisabled(),
    ],
  });
}
