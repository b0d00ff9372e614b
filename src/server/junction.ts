import type { AddressInfo } from 'node:net';
import type { RequestContext } from '../pipeline';
import type { ApolloServer } from '@apollo/server';
import { composeSubgraphs, isSupergraphSdlFile, loadSupergraph, watchSupergraph, type SupergraphResult, type SupergraphWatcher } from '../composition';
import { Registry } from '../registry';
import { createClientKey, createRateLimiter } from '../traffic';
import { CanaryController, FIGURES_DOCUMENT } from '../canary';
import { createCompareAndSet } from '../store';
import type { ActiveCanary, SupergraphVersion } from '../registry';
import type { Engines } from '../pipeline';
import { createRegistryStorage, seedSources } from './registrySetup';
import type { JunctionConfig } from '../config';
import { apiSchemaOf, compileHeaderRules, JunctionGateway, SubgraphFailureLog, Upstreams, type HeaderGuards, type JunctionGatewayOptions } from '../gateway';
import { compileSubgraphErrorPolicy, createResultErrorFormatter } from '../errors';
import { createPolicyEvaluator } from '../authz';
import { createLogger, createMetrics, noMetrics, startTracing, stopTracing, type Logger, type Metrics } from '../observability';
import { EntityCache, Invalidations, responseCachePlugin } from '../cache';
import { createStore, MemoryStore, type Store } from '../store';
import { ApqStore, ManifestSources, PersistedOperations } from '../operations';
import type { SupergraphState } from '../gateway';
import { createRequestLimits } from '../security';
import { createApolloServer } from '../pipeline';
import { buildAuthenticator, identitySigner } from './authentication';
import { createHttpServer } from './httpServer';
import { createMetricsServer, metricsRoute } from './metricsRoute';
import { StreamConnections } from './streamConnections';
import type { WorkerLink } from '../cluster';

export interface StartOptions {
  config: JunctionConfig;
  /**
   * A supergraph.yaml / supergraph.graphql path (watched), or a supergraph SDL given directly. With the
   * registry on, a supergraph.yaml only seeds an empty registry, and none is needed.
   */
  supergraph?: { path: string } | { sdl: string };
  logger?: Logger;
  /** One worker of `--workers N`: metrics, in-memory rate limits and readiness are the whole gateway's. */
  worker?: WorkerLink | undefined;
}

export interface Junction {
  /** http://host:port/graphql */
  readonly url: string;
  /** Where Prometheus scrapes (undefined when metrics are off). */
  readonly metricsUrl: string | undefined;
  readonly port: number;
  readonly gateway: JunctionGateway;
  /** APQ and trusted documents (stats, the loaded manifests). */
  readonly operations: PersistedOperations;
  /** The store behind APQ (memory, or Redis shared by every replica). */
  readonly store: Store;
  /** Resolves once a supergraph is loaded and /graphql answers. */
  readonly ready: Promise<void>;
  /** Stops accepting, lets in-flight requests finish (up to server.shutdownGraceMs), then closes everything. */
  stop(): Promise<void>;
}

/** What header rules may never forward: Junction's own secret-bearing headers and secrets, and credentials unless named. */
function headerGuardsOf(config: JunctionConfig): HeaderGuards {
  const bypass = config.persistedQueries.bypass.header;
  const secretValues = [config.admin.token, config.metrics.token, bypass?.value].filter((v): v is string => v !== undefined);
  return { identityHeader: config.identity.subgraphToken.header, secretHeaders: bypass ? [bypass.name] : [], credentialHeaders: [config.auth.header], secretValues };
}

/** Bytes of recently used APQ entries kept in process in front of a shared store (see ApqStore). */
const LOCAL_APQ_BYTES = 8 * 1024 * 1024;

/**
 * The entity cache and the invalidation markers over the store. Markers outlive every entry they can make
 * stale (the longest TTL any cache allows).
 */
function createCaches(config: JunctionConfig, store: Store, metrics: Metrics | undefined, worker: WorkerLink | undefined): { invalidations: Invalidations; entities: EntityCache | undefined } {
  const { response, entities } = config.cache;
  const caps = [response.maxTtlSec, entities.maxTtlSec, ...Object.values(entities.subgraphs).map((s) => s.maxTtlSec ?? 0)];
  // In memory, each worker of --workers N keeps its own markers: an invalidation is written on every worker.
  const siblings = worker && config.store.backend === 'memory' ? worker : undefined;
  const invalidations = new Invalidations(store.scoped('inv:'), Math.max(...caps) * 1000 + 60_000, siblings);
  siblings?.shareInvalidations((tags, at) => invalidations.mark(tags, at));
  const entityCacheOn = entities.enabled || Object.values(entities.subgraphs).some((s) => s.enabled === true);
  return { invalidations, entities: entityCacheOn ? new EntityCache(store.scoped('ec:'), invalidations, entities, metrics) : undefined };
}

/** Assembles and starts a Junction gateway: HTTP server, gateway, supergraph loading and watching. */
export async function startJunction(options: StartOptions): Promise<Junction> {
  const { config } = options;
  const logger = options.logger ?? createLogger(config.logging.level);
  // Tracing before anything that checks `tracer.enabled` (the Apollo Server plugin list); off, no SDK loads.
  const ownsTracing = config.tracing.enabled && startTracing({ serviceName: config.tracing.serviceName, endpoint: config.tracing.endpoint });
  if (ownsTracing) logger.info({ serviceName: config.tracing.serviceName, endpoint: config.tracing.endpoint ?? 'http://localhost:4318/v1/traces' }, 'tracing on (OTLP)');
  const store = createStore(config.store, logger);
  // Metrics off: a no-op with the same interface, and nothing handed to the hot paths that count per fetch.
  const metrics: Metrics = config.metrics.enabled
    ? createMetrics({ circuits: () => gateway.current?.clients.values() ?? [], apq: () => operations.stats })
    : noMetrics;
  const observe = metrics.enabled ? metrics : undefined;
  const caches = createCaches(config, store, observe, options.worker);
  // Results Junction streams itself (subscription events, @defer parts) are formatted as Apollo Server formats a
  // response: the one error formatter, then the subgraph error policy.
  const resultErrorFormatter = createResultErrorFormatter({ suggestions: config.graphql.suggestions, logger, policy: compileSubgraphErrorPolicy(config.subgraphErrors) });
  const gateway = new JunctionGateway({
    subgraphs: config.subgraphs,
    planCacheMaxEntries: config.queryPlan.cacheMaxEntries,
    exposeQueryPlan: config.queryPlan.expose,
    overrideLabels: config.queryPlan.overrideLabels,
    fastExecutor: config.execution.executor === 'junction',
    planner: config.queryPlan.planner,
    overrideStickiness: config.queryPlan.overrideStickiness,
    identity: { signer: await identitySigner(config), header: config.identity.subgraphToken.header, forwardClaims: config.identity.forwardClaims },
    headerPlanner: compileHeaderRules(config.headers, headerGuardsOf(config)),
    authorization: { mode: config.authorization.mode, evaluatePolicies: createPolicyEvaluator(config.authorization.policies) },
    cacheTagHeader: config.cache.tagHeader,
    subgraphFailures: new SubgraphFailureLog(logger),
    requestTimeoutMs: config.traffic.requestTimeoutMs,
    sharedPlans: config.queryPlan.shared ? store.scoped('plan:') : undefined,
    metrics: observe,
    caching: {
      invalidations: caches.invalidations,
      entities: caches.entities,
      responses: config.cache.response.enabled,
      invalidateOnMutation: config.cache.invalidateOnMutation,
    },
    formatErrors: resultErrorFormatter,
    subscriptions: subscriptionOptions(config, logger, metrics, resultErrorFormatter),
  });
  // The engines: Apollo Server over the active supergraph, and a second one over a canary release's (made when
  // the first release is served, kept after).
  let engines: Engines | undefined;
  let canaryEngine: ApolloServer<RequestContext> | undefined;
  let registry: Registry | undefined;
  let canary: CanaryController | undefined;
  let apolloStarting: Promise<void> | undefined;
  let signalReady!: () => void;
  const ready = new Promise<void>((resolve) => (signalReady = resolve));

  // Persisted operations: manifests must load before the gateway serves anything (safelisting never fails open).
  const pq = config.persistedQueries;
  const apq = pq.apq.enabled ? new ApqStore(store.scoped('apq:'), store.kind === 'redis' ? new MemoryStore({ maxBytes: LOCAL_APQ_BYTES, keyPrefix: '' }) : undefined, pq.apq.ttlSec) : undefined;
  const operations = new PersistedOperations(pq, apq, logger);
  // Plans for the manifests' operations and the hot ones (served lately), built before traffic needs them.
  const warm = async (state: SupergraphState | undefined): Promise<void> => {
    const hot = [...(pq.prewarm ? operations.trustedDocuments.operations() : []), ...gateway.recentOperations()];
    if (!state || hot.length === 0) return;
    const started = Date.now();
    const outcome = await gateway.prewarm(hot, state);
    const failed = outcome.failed.slice(0, 20);
    logger[failed.length > 0 ? 'warn' : 'info']({ supergraph: state.id, planned: outcome.planned, failed, ms: Date.now() - started }, 'operations planned ahead of traffic');
  };
  let manifests: ManifestSources | undefined;
  if (pq.manifests.length > 0) {
    manifests = new ManifestSources(pq.manifests, {
      pollIntervalMs: pq.pollIntervalMs,
      logger,
      onChange: (documents) => {
        operations.setDocuments(documents);
        void warm(gateway.current);
      },
    });
    try {
      operations.setDocuments(await manifests.start());
    } catch (err) {
      await store.close();
      throw err;
    }
  }

  const limits = createRequestLimits({ limits: config.limits, logger, explainOnDryRun: config.queryPlan.expose });
  const { worker } = options;
  const rateLimiter = createRateLimiter(config.rateLimit, config.store, logger, worker !== undefined);
  if (worker && metrics.enabled) worker.shareMetrics(() => metrics.snapshot());
  const scrape = metricsRoute({ metrics, token: config.metrics.token, render: worker ? () => worker.clusterMetrics() : undefined });
  // One bound on long-lived client connections, for every streaming transport together.
  const streams = new StreamConnections(config.subscriptions.maxConnections);
  const http = createHttpServer({
    preflight: limits.preflight,
    authenticator: await buildAuthenticator(config),
    operations,
    rateLimiter,
    maxBodyBytes: config.server.maxBodyBytes,
    requestTimeoutMs: config.server.requestTimeoutMs,
    headersTimeoutMs: config.server.headersTimeoutMs,
    keepAliveTimeoutMs: config.server.keepAliveTimeoutMs,
    maxHeaderBytes: config.server.maxHeaderBytes,
    maxHeaders: config.server.maxHeaders,
    bodyIdleTimeoutMs: config.server.bodyIdleTimeoutMs,
    variables: config.limits.variables,
    tls: config.server.tls,
    accessLog: config.logging.accessLog,
    metrics,
    metricsRoute: metrics.enabled && config.metrics.listener === undefined ? { path: config.metrics.path, handle: scrape } : undefined,
    batching: config.limits.batching,
    streaming: { subscriptions: config.subscriptions, streams, tokenHeader: config.auth.header },
    logger,
    apollo: () => engines,
    clientKeyOf: createClientKey(config.rateLimit.clientKey, config.rateLimit.trustedProxies),
    variantOf: (clientKey) => gateway.variantOf(clientKey),
    supergraphId: () => gateway.current?.id,
    workers: worker ? () => worker.status(gateway.current?.id) : undefined,
    store,
    cors: config.cors,
    landingPage: config.graphql.landingPage,
    adminCors: config.admin.cors,
    // The admin API exists only when an admin token is configured (JUNCTION_ADMIN_TOKEN or admin.token).
    admin: config.admin.token ? { invalidations: caches.invalidations, scopes: config.admin.scopes, token: config.admin.token, registry: () => registry, canary: () => canary } : undefined,
  });

  // Supergraph changes are applied one at a time, each warmed (manifest operations planned) before it goes live.
  let activations = Promise.resolve();
  const activateNow = async (sdl: string, source: string): Promise<void> => {
    const built = gateway.build(sdl);
    if (!built.ok) {
      logger.error({ source, reason: built.reason }, 'supergraph rejected; keeping the last good one');
      return;
    }
    if (built.changed) {
      await warm(built.state);
      gateway.activate(built.state);
      metrics.supergraphActivated(built.state.id);
      worker?.activated(built.state.id);
      logger.info({ source, supergraph: built.state.id }, 'supergraph activated');
    }
    if (!apolloStarting) {
      const server = makeEngine(undefined);
      apolloStarting = server.start().then(() => {
        engines = { stable: server, canary: undefined };
        signalReady();
      });
    }
  };
  // One engine: its own response-cache plugin instance and Apollo Server, the same policies in the same order.
  const makeEngine = (engineGateway: ReturnType<JunctionGateway['canaryEngine']> | undefined): ApolloServer<RequestContext> => {
    const responseCache = config.cache.response.enabled
      ? responseCachePlugin({
          store: store.scoped('rc:'),
          invalidations: caches.invalidations,
          gateway: {
            supergraphIdOf: (schema) => gateway.stateFor(schema)?.id,
            authorizationKey: (schema, rc) => gateway.authorizationKey(schema, rc),
            subgraphRequestsKey: (schema, rc) => gateway.subgraphRequestsKey(schema, rc),
          },
          maxTtlSec: config.cache.response.maxTtlSec,
          varyHeaders: config.cache.response.varyHeaders,
          logger,
          metrics: observe,
        })
      : undefined;
    const judge = config.registry.enabled ? { observing: () => canary?.observing() ?? false, record: (o: Parameters<CanaryController['record']>[0]) => canary?.record(o) } : undefined;
    return createApolloServer(gateway, config, logger, limits, operations, responseCache, { rateLimiter, metrics, engineGateway, canary: judge });
  };
  /**
   * Serves a canary release's candidate beside the active supergraph (warmed first), or stops serving one.
   * The canary engine is started with the first release; until it answers, every client is served stable.
   */
  const serveCanary = async (release: ActiveCanary | undefined): Promise<void> => {
    const built = release ? gateway.build(release.version.supergraphSdl) : undefined;
    if (release && built && !built.ok) logger.error({ canary: release.id, reason: built.reason }, 'canary candidate rejected; serving every client the stable supergraph');
    if (!release || !built?.ok) {
      gateway.setCanary(undefined);
      canary?.serve(undefined);
      return;
    }
    if (built.state !== gateway.servedCanary?.state) await warm(built.state);
    gateway.setCanary({ id: release.id, percent: release.percent, state: built.state });
    canary?.serve(release);
    if (!canaryEngine) {
      canaryEngine = makeEngine(gateway.canaryEngine());
      await canaryEngine.start();
    }
    if (engines) engines = { stable: engines.stable, canary: canaryEngine };
    logger.info({ canary: release.id, percent: release.percent, supergraph: built.state.id }, 'canary release served');
  };
  const activateRelease = (version: SupergraphVersion, release: ActiveCanary | undefined): Promise<void> =>
    (activations = activations.then(async () => {
      await activateNow(version.supergraphSdl, `registry version ${version.version}`);
      await apolloStarting;
      await serveCanary(release);
    }));
  const activate = (sdl: string, source: string): Promise<void> => (activations = activations.then(() => activateNow(sdl, source)));
  const onResult = (result: SupergraphResult, source: string): void => {
    if (result.ok) return void activate(result.supergraphSdl, source);
    logger.error({ source, problems: result.problems }, `supergraph could not be loaded; ${gateway.current ? 'keeping the last good one' : 'none is active yet'}`);
  };

  await new Promise<void>((resolve, reject) => {
    http.server.once('error', reject);
    http.server.listen(config.server.port, config.server.host, () => resolve());
  });
  const port = (http.server.address() as AddressInfo).port;
  const host = urlHost(config.server.host);
  // The metrics on a listener of their own (127.0.0.1 by default: reachable only from the host), plain HTTP.
  const listener = metrics.enabled ? config.metrics.listener : undefined;
  const metricsServer = listener ? createMetricsServer(config.metrics.path, scrape, logger) : undefined;
  if (metricsServer && listener) {
    await new Promise<void>((resolve, reject) => {
      metricsServer.once('error', (err) => reject(new Error(`cannot serve metrics on ${listener.host}:${listener.port} (${err.message}); see metrics.port, metrics.host, metrics.token`)));
      metricsServer.listen(listener.port, listener.host, () => resolve());
    });
  }
  const metricsUrl = !metrics.enabled
    ? undefined
    : metricsServer && listener
      ? `http://${urlHost(listener.host)}:${(metricsServer.address() as AddressInfo).port}${config.metrics.path}`
      : `${config.server.tls ? 'https' : 'http'}://${host}:${port}${config.metrics.path}`;
  if (metricsServer) logger.info({ metricsUrl }, 'metrics served on a listener of their own');

  let watcher: SupergraphWatcher | undefined;
  if (config.registry.enabled) {
    registry = new Registry({
      storage: createRegistryStorage(config, logger),
      historyLimit: config.registry.historyLimit,
      allowedUrls: config.registry.allowedUrls,
      compose: composeSubgraphs,
      apiSchemaOf: (sdl) => (gateway.current?.supergraphSdl === sdl ? gateway.current.schema : apiSchemaOf(sdl)),
      activate: activateRelease,
      canaryRamp: config.registry.canary.ramp,
      canaryStepTaken: (action) => metrics.canaryDecision(action),
      knownOperations: () => [
        ...[...operations.trustedDocuments.operations()].map((op) => ({ name: op.name, body: op.body, source: 'manifest' as const })),
        ...gateway.recentOperations().map((op) => ({ name: op.name, body: op.body, source: 'traffic' as const })),
      ],
      logger,
    });
    const { canary: judging } = config.registry;
    canary = new CanaryController({
      registry,
      figures: createCompareAndSet('canary-figures', FIGURES_DOCUMENT, config.registry, config.store, logger),
      thresholds: judging,
      evaluateIntervalMs: judging.evaluateIntervalMs,
      logger,
      metrics,
    });
    const path = options.supergraph && 'path' in options.supergraph ? options.supergraph.path : undefined;
    const seed = path && !isSupergraphSdlFile(path) ? await seedSources(path, config.env) : undefined;
    await registry.start(seed, path ? `seed: ${path}` : 'seed');
  } else if (options.supergraph && 'sdl' in options.supergraph) {
    void activate(options.supergraph.sdl, 'inline');
  } else if (options.supergraph) {
    const path = options.supergraph.path;
    const first = await loadSupergraph(path, config.env);
    onResult(first, path);
    if (config.supergraph.watch) watcher = watchSupergraph(path, config.env, first.files, (r) => onResult(r, path));
  }

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      watcher?.stop();
      manifests?.stop();
      const deadline = Date.now() + config.server.shutdownGraceMs;
      // Streaming connections take no new operation and close once their streams have ended (WebSockets 1001)…
      streams.closeAll();
      // …which every subscription does now, with SHUTTING_DOWN, so its transport can say so and close.
      gateway.subscriptions?.shutdown();
      await canary?.stop();
      await registry?.stop();
      const closed = new Promise<void>((resolve) => http.server.close(() => resolve()));
      http.server.closeIdleConnections();
      while (http.inFlight() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await http.closeWebSockets(deadline);
      http.server.closeAllConnections();
      await closed;
      if (metricsServer) {
        const metricsClosed = new Promise<void>((resolve) => metricsServer.close(() => resolve()));
        metricsServer.closeAllConnections();
        await metricsClosed;
      }
      await apolloStarting?.catch(() => undefined);
      await engines?.stable.stop();
      await canaryEngine?.stop();
      await gateway.stop();
      await store.close();
      await rateLimiter?.close();
      if (ownsTracing) await stopTracing();
    })());

  return { url: `${config.server.tls ? 'https' : 'http'}://${host}:${port}/graphql`, metricsUrl, port, gateway, operations, store, ready, stop };
}


/** The gateway's subscription settings (gateway/subscriptions); undefined when `subscriptions.enabled` is false. */
function subscriptionOptions(config: JunctionConfig, logger: Logger, metrics: Metrics, formatErrors: NonNullable<JunctionGatewayOptions['formatErrors']>): JunctionGatewayOptions['subscriptions'] {
  const settings = config.subscriptions;
  if (!settings.enabled) return undefined;
  const observe = metrics.enabled ? metrics.subscriptions : undefined;
  const subgraphs = config.subgraphs;
  return {
    maxQueuedEvents: settings.maxQueuedEvents,
    maxPerClient: settings.maxPerClient,
    subscribeRatePerSec: settings.subscribeRatePerSec,
    formatErrors,
    observer: observe,
    logEnd: config.logging.accessLog ? (line) => logger.info(line, 'subscription') : undefined,
    urls: Object.fromEntries(Object.entries(subgraphs.byName).map(([name, s]) => [name, s.subscriptions.url])),
    upstreams: (identityHeader) =>
      new Upstreams({
        identityHeader,
        // Half the identity token's lifetime: a new upstream subscription never carries a token about to expire.
        connectionMaxAgeMs: config.identity.subgraphToken.ttlSec * 500,
        connectTimeoutMs: subgraphs.all.timeoutMs,
        maxMessageBytes: subgraphs.all.maxResponseBytes,
        onCountChange: observe ? (n) => observe.upstreams(n) : undefined,
      }),
  };
}

/** How a URL names a listen address: `localhost` for the wildcard addresses, brackets around IPv6. */
function urlHost(listenHost: string): string {
  if (listenHost === '0.0.0.0' || listenHost === '::') return 'localhost';
  return listenHost.includes(':') ? `[${listenHost}]` : listenHost;
}
