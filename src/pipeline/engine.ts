import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { landingPagePlugin } from './landingPage';
import type { JunctionConfig } from '../config';
import type { EngineGateway, JunctionGateway } from '../gateway';
import { canaryPlugin, type CanaryObservation } from '../canary';
import { accessLogPlugin, apolloLogger, metricsPlugin, noMetrics, tracer, tracingPlugin, type Logger, type Metrics } from '../observability';
import type { PersistedOperations } from '../operations';
import { costPlugin, type RequestLimits } from '../security';
import { rateLimitPlugin, type RateLimiter } from '../traffic';
import { compileSubgraphErrorPolicy, createErrorFormatter, subgraphErrorsPlugin } from '../errors';
import type { RequestContext } from './requestContext';

/** Parts of the server that only some configurations have. */
export interface ApolloServerExtras {
  /** Rate limits (traffic/): the cost budgets are spent by a plugin right after demand control. */
  rateLimiter?: RateLimiter | undefined;
  /** Prometheus metrics (observability/metrics.ts); a no-op when metrics are off. */
  metrics?: Metrics | undefined;
  /** The schema this engine serves: the gateway's active one (default), or a canary release's (gateway.canaryEngine()). */
  engineGateway?: EngineGateway | undefined;
  /** Canary releases (registry on): every answered operation is recorded for the judge while one runs. */
  canary?: { observing(): boolean; record(observation: CanaryObservation): void } | undefined;
}

/**
 * The pipeline's engine: Apollo Server over Junction's gateway, with the plugins that are the pipeline's
 * stages inside it (after the stages of pipeline.ts). Plugin order follows the request path: request
 * limits first (before parsing, so an attack document is never parsed or validated), tracing, demand control, cost
 * budgets (rate limits), APQ registration (after every check), the response cache, then the landing page.
 */
export function createApolloServer(
  gateway: JunctionGateway,
  // The sections the engine reads, and no more.
  config: Pick<JunctionConfig, 'cost' | 'queryPlan' | 'subgraphErrors' | 'graphql' | 'logging' | 'cache'>,
  logger: Logger,
  limits: RequestLimits,
  operations: PersistedOperations,
  responseCache: ApolloServerPlugin<RequestContext> | undefined,
  extras: ApolloServerExtras = {},
): ApolloServer<RequestContext> {
  const cost = costPlugin({
    cost: config.cost,
    logger,
    supergraphOf: (apiSchema) => gateway.stateFor(apiSchema)?.supergraphSchema,
    explainOnDryRun: config.queryPlan.expose,
    metrics: extras.metrics?.enabled ? extras.metrics : undefined,
  });
  const costBudgets: Array<ApolloServerPlugin<RequestContext>> = extras.rateLimiter ? [rateLimitPlugin({ limiter: extras.rateLimiter })] : [];
  const subgraphErrors = compileSubgraphErrorPolicy(config.subgraphErrors);
  const supergraphOf = (apiSchema: Parameters<JunctionGateway['stateFor']>[0]) => gateway.stateFor(apiSchema)?.id;
  return new ApolloServer<RequestContext>({
    gateway: (extras.engineGateway ?? gateway) as unknown as ConstructorParameters<typeof ApolloServer>[0] extends { gateway?: infer G } ? G : never,
    logger: apolloLogger(logger),
    introspection: config.graphql.introspection,
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    // Junction owns the process lifecycle (graceful drain in server/junction.ts), not Apollo Server.
    stopOnTerminationSignals: false,
    formatError: createErrorFormatter({ suggestions: config.graphql.suggestions, logger }),
    // Batches are the pipeline's (pipeline/stages/batching.ts): it runs each operation on its own, with its own context.
    allowBatchedHttpRequests: false,
    // At most 100 validation errors per response: graphql-js stops at maxErrors and adds one "aborted" error.
    validationOptions: { maxErrors: 99 },
    // APQ and manifests are resolved by Junction before Apollo Server sees the request (operations/); a
    // persistedQuery extension that reaches Apollo Server is answered PERSISTED_QUERY_NOT_SUPPORTED.
    persistedQueries: false,
    plugins: [
      // The subgraph error policy first: every plugin below, and the client, see the errors as redacted.
      ...(subgraphErrors ? [subgraphErrorsPlugin(subgraphErrors, logger)] : []),
      // Metrics next: it only reads the response in willSendResponse, whatever the plugins below decided.
      metricsPlugin({ metrics: extras.metrics ?? noMetrics, supergraphOf }),
      // A canary release's judge sees every answer, whatever the plugins below decide (a cached one included).
      ...(extras.canary ? [canaryPlugin(extras.canary)] : []),
      limits.plugin,
      // Tracing (only when on): parse and validate spans under the request span, the operation's name on it.
      ...(tracer.enabled ? [tracingPlugin()] : []),
      // Demand control after validation (it needs types), before planning: refused operations are never planned.
      cost,
      // Cost budgets right after demand control, whose estimate they spend (costPlugin prices synchronously in
      // didResolveOperation, which Apollo Server calls in list order); before APQ registration and the response
      // cache, so an operation over budget is neither registered nor answered, and a cached answer still spends.
      ...costBudgets,
      // APQ registration: its hook runs only once every check above has passed (see PersistedOperations.plugin).
      operations.plugin(),
      // The response cache answers only operations every check above has accepted (and after APQ registration).
      ...(responseCache ? [responseCache] : []),
      // The access-log record reads what the plugins above decided (cost, cache) when the response is sent.
      ...(config.logging.accessLog
        ? [accessLogPlugin({ responseCache: config.cache.response.enabled, supergraphOf })]
        : []),
      // Apollo Sandbox, embedded and pointed at this endpoint; it asks for plans with Apollo-Query-Plan-Experimental.
      // Offline, the page says how to see plans without it (landingPage.ts).
      config.graphql.landingPage ? landingPagePlugin() : ApolloServerPluginLandingPageDisabled(),
    ],
  });
}
