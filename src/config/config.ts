import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { availableParallelism } from 'node:os';
import type { SubgraphErrorRule } from '../errors';
import type { Limit, LimitName, LimitsConfig } from './limits';
import { configSchema, LIMIT_DEFAULTS, METRICS_LISTENER_DEFAULTS, SUBGRAPH_DEFAULTS, type RawConfig } from './schema';
import { parseYamlWith, type Validated } from './yamlDocument';

export type Environment = Readonly<Record<string, string | undefined>>;

/** Junction's settings after validation and defaults: frozen, read once at start. */
export interface JunctionConfig {
  readonly production: boolean;
  readonly server: Omit<RawConfig['server'], 'workers'> & { workers: number };
  readonly graphql: { landingPage: boolean; introspection: boolean; suggestions: boolean };
  /** CORS on /graphql (README "CORS"). */
  readonly cors: CorsSettings;
  readonly limits: LimitsConfig & { batching: { enabled: boolean; maxSize: number }; variables: { maxDepth: number; maxValues: number } };
  readonly cost: { mode: 'enforce' | 'measure' | 'off'; max: number; defaultListSize: number; expose: boolean };
  readonly queryPlan: { expose: boolean; cacheMaxEntries: number; overrideLabels: Readonly<Record<string, boolean>>; shared: boolean };
  readonly subgraphs: {
    all: SubgraphSettings;
    byName: Readonly<Record<string, SubgraphSettings>>;
  };
  readonly traffic: RawConfig['traffic'];
  readonly rateLimit: RawConfig['rateLimit'];
  readonly execution: { executor: 'junction' | 'apollo' };
  readonly headers: RawConfig['headers'];
  /** What of a subgraph's errors reaches clients: `all`, and per subgraph name (each key resolved over `all`). */
  readonly subgraphErrors: { all: SubgraphErrorRule; byName: Readonly<Record<string, SubgraphErrorRule>> };
  readonly authorization: RawConfig['authorization'];
  readonly identity: {
    forwardClaims: boolean;
    subgraphToken: { header: string; ttlSec: number; secret: string | undefined; devSecret: boolean };
  };
  readonly auth: Omit<RawConfig['auth'], 'devKey'> & {
    /** Accept `junction token` tokens (never in production). */
    devKey: boolean;
    /** Where the development key lives (the package's `.junction/`, kept out of git). */
    devKeyDir: string;
  };
  readonly supergraph: { watch: boolean };
  readonly store: {
    backend: 'memory' | 'redis';
    keyPrefix: string;
    memory: { maxBytes: number };
    redis: { url: string | undefined; cluster: readonly string[]; commandTimeoutMs: number; connectTimeoutMs: number; maxRetriesPerRequest: number };
  };
  readonly persistedQueries: Omit<RawConfig['persistedQueries'], 'bypass'> & {
    bypass: { scopes: readonly string[]; header: { name: string; value: string } | undefined };
  };
  readonly cache: RawConfig['cache'];
  readonly admin: { scopes: readonly string[]; token: string | undefined; cors: CorsSettings | undefined };
  readonly registry: Omit<RawConfig['registry'], 'backend'> & { backend: 'file' | 'redis' };
  readonly logging: { level: string; accessLog: boolean };
  /** OpenTelemetry tracing; `endpoint` undefined = the OTLP exporter's default (http://localhost:4318/v1/traces). */
  readonly tracing: { enabled: boolean; serviceName: string; endpoint: string | undefined };
  readonly metrics: {
    enabled: boolean;
    path: string;
    token: string | undefined;
    /** The metrics' own listener; undefined: they are served on the GraphQL port. */
    listener: { host: string; port: number } | undefined;
  };
  /** The environment as read at start, for `${env.NAME}` expansion in supergraph.yaml. */
  readonly env: Environment;
}

/** `cors` and `admin.cors`: who may read answers from a browser page on another origin. */
export type CorsSettings = RawConfig['cors'];

/** One subgraph's transport and resilience settings (`subgraphs.all`, then its own name over it). */
export interface SubgraphSettings {
  timeoutMs: number;
  maxResponseBytes: number;
  maxConnections: number;
  retries: { attempts: number; backoffMs: number; maxBackoffMs: number; budgetPercent: number; maxRetryAfterMs: number };
  circuitBreaker: { enabled: boolean; windowMs: number; minimumRequests: number; errorRatePercent: number; openMs: number; halfOpenProbes: number };
  dedup: boolean;
}

export interface ConfigInput {
  /** Path of gateway.yaml, if any. */
  file?: string | undefined;
  /** Command-line overrides (they win over env and file). */
  overrides?: {
    port?: number | undefined;
    host?: string | undefined;
    workers?: number | undefined;
    /** The port of the metrics' own listener when they have one (tests use 0). */
    metricsPort?: number | undefined;
  };
  /** Defaults to process.env; tests pass their own. */
  env?: Environment;
}

/** The one place Junction reads `process.env`. */
export function readEnvironment(): Environment {
  return Object.freeze({ ...process.env });
}

/**
 * Reads gateway.yaml (optional) and the environment, validates everything, and lists every problem at once.
 * Precedence: command line > environment (PORT, HOST, LOG_LEVEL) > gateway.yaml > defaults.
 */
export function loadConfig(input: ConfigInput = {}): Validated<JunctionConfig> {
  const env = input.env ?? readEnvironment();
  let text = '';
  if (input.file) {
    try {
      text = readFileSync(input.file, 'utf8');
    } catch {
      return { ok: false, problems: [`cannot read config file ${input.file}`] };
    }
  }
  const parsed = parseYamlWith(text, input.file ?? 'gateway.yaml', configSchema, (raw) => ({ ok: true, value: withoutNulls(raw) }));
  if (!parsed.ok) return parsed;
  const raw = parsed.value;
  const problems: string[] = [];

  const port = input.overrides?.port ?? envInt(env, 'PORT', problems) ?? raw.server.port;
  const host = input.overrides?.host ?? env.HOST ?? raw.server.host;
  const workers = input.overrides?.workers ?? (raw.server.workers === 'auto' ? availableParallelism() : raw.server.workers);
  const level = env.LOG_LEVEL ?? raw.logging.level;
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(level)) problems.push(`LOG_LEVEL: unknown level "${level}"`);
  if (port < 0 || port > 65535) problems.push(`port ${port} is out of range`);
  if (env.JUNCTION_IDENTITY_SECRET !== undefined && env.JUNCTION_IDENTITY_SECRET.length < 32) problems.push('JUNCTION_IDENTITY_SECRET: must be at least 32 characters');
  if (env.NODE_ENV === 'production' && raw.auth.devKey === true) problems.push('auth.devKey: the development key is refused in production');
  const redisUrl = env.REDIS_URL || raw.store.redis.url;
  if (env.REDIS_URL && !/^rediss?:\/\//.test(env.REDIS_URL)) problems.push('REDIS_URL: must start with redis:// or rediss://');
  const backend = raw.store.backend ?? (env.REDIS_URL || raw.store.redis.cluster.length > 0 ? 'redis' : 'memory');
  if (backend === 'redis' && !redisUrl && raw.store.redis.cluster.length === 0) problems.push('store.backend: redis needs REDIS_URL, store.redis.url or store.redis.cluster');
  if (raw.persistedQueries.mode !== 'off' && raw.persistedQueries.manifests.length === 0) {
    problems.push(`persistedQueries.mode: ${raw.persistedQueries.mode} needs at least one entry in persistedQueries.manifests`);
  }
  const bypassHeader = raw.persistedQueries.bypass.header;
  const bypassValue = resolveSecret(bypassHeader, env, 16, 'persistedQueries.bypass.header', problems);
  const adminToken = raw.admin.token ? resolveSecret(raw.admin.token, env, 32, 'admin.token', problems) : env.JUNCTION_ADMIN_TOKEN || undefined;
  if (!raw.admin.token && env.JUNCTION_ADMIN_TOKEN && env.JUNCTION_ADMIN_TOKEN.length < 32) problems.push('JUNCTION_ADMIN_TOKEN: must be at least 32 characters');
  const registryBackend = raw.registry.backend ?? (backend === 'redis' ? 'redis' : 'file');
  if (registryBackend === 'redis' && backend !== 'redis') problems.push('registry.backend: redis needs the store on Redis (REDIS_URL or store.backend: redis)');
  const metricsToken = resolveSecret(raw.metrics.token, env, 16, 'metrics.token', problems);
  const tracing = resolveTracing(raw.tracing, env, problems);
  if (problems.length > 0) return { ok: false, problems };

  const production = env.NODE_ENV === 'production';
  const { all: rawAll = {}, ...rawByName } = raw.subgraphs;
  // Nested settings merge one level deep: `accounts: { retries: { attempts: 0 } }` keeps the other retry keys.
  const merge = (base: SubgraphSettings, over: RawConfig['subgraphs'][string]): SubgraphSettings => ({
    ...base,
    ...over,
    retries: { ...base.retries, ...over.retries },
    circuitBreaker: { ...base.circuitBreaker, ...over.circuitBreaker },
  });
  const all = merge(SUBGRAPH_DEFAULTS as unknown as SubgraphSettings, rawAll);
  const byName = Object.fromEntries(Object.entries(rawByName).map(([name, over]) => [name, merge(all, over)]));
  const config: JunctionConfig = {
    production,
    server: { ...raw.server, port, host, workers },
    graphql: {
      landingPage: raw.graphql.landingPage ?? !production,
      introspection: raw.graphql.introspection ?? !production,
      suggestions: raw.graphql.suggestions ?? env.NODE_ENV === 'development',
    },
    cors: raw.cors,
    limits: resolveLimits(raw.limits),
    cost: { ...raw.cost, expose: raw.cost.expose ?? !production },
    queryPlan: { ...raw.queryPlan, expose: raw.queryPlan.expose ?? !production },
    subgraphs: { all, byName },
    traffic: raw.traffic,
    rateLimit: raw.rateLimit,
    execution: raw.execution,
    headers: raw.headers,
    subgraphErrors: resolveSubgraphErrors(raw.subgraphErrors, production),
    authorization: raw.authorization,
    identity: {
      forwardClaims: raw.identity.forwardClaims,
      subgraphToken: {
        header: raw.identity.subgraphToken.header.toLowerCase(),
        ttlSec: raw.identity.subgraphToken.ttlSec,
        secret: raw.identity.subgraphToken.secret ?? env.JUNCTION_IDENTITY_SECRET,
        devSecret: !production,
      },
    },
    auth: { ...raw.auth, devKey: !production && (raw.auth.devKey ?? true), devKeyDir: join(packageRoot(), '.junction') },
    supergraph: raw.supergraph,
    store: { ...raw.store, backend, redis: { ...raw.store.redis, url: redisUrl } },
    persistedQueries: {
      ...raw.persistedQueries,
      bypass: {
        scopes: raw.persistedQueries.bypass.scopes,
        header: bypassHeader && bypassValue ? { name: bypassHeader.name.toLowerCase(), value: bypassValue } : undefined,
      },
    },
    cache: raw.cache,
    admin: { scopes: raw.admin.scopes, token: adminToken, cors: raw.admin.cors },
    registry: { ...raw.registry, backend: registryBackend },
    logging: { level, accessLog: raw.logging.accessLog },
    tracing,
    metrics: resolveMetrics(raw.metrics, metricsToken, production, input.overrides?.metricsPort),
    env,
  };
  return { ok: true, value: deepFreeze(config) };
}

/**
 * Tracing follows the OpenTelemetry variables: on when OTEL_TRACES_EXPORTER=otlp or an OTLP endpoint is set
 * (unless OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none); gateway.yaml `tracing.enabled` overrides that.
 */
function resolveTracing(raw: RawConfig['tracing'], env: Environment, problems: string[]): JunctionConfig['tracing'] {
  const exporters = (env.OTEL_TRACES_EXPORTER ?? '').split(',').map((e) => e.trim()).filter((e) => e !== '');
  for (const e of exporters) if (e !== 'otlp' && e !== 'none') problems.push(`OTEL_TRACES_EXPORTER: "${e}" is not supported (otlp or none)`);
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT || undefined;
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || (base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined);
  if (endpoint !== undefined && !/^https?:\/\/[^\s]+$/.test(endpoint)) problems.push(`OTLP traces endpoint "${endpoint}" is not an http(s) URL`);
  const fromEnv = env.OTEL_SDK_DISABLED !== 'true' && !exporters.includes('none') && (exporters.includes('otlp') || endpoint !== undefined);
  return { enabled: raw.enabled ?? fromEnv, serviceName: env.OTEL_SERVICE_NAME || raw.serviceName || 'junction', endpoint };
}

/**
 * Reconnaissance: metrics name operations, clients and subgraphs. In production without a token they move to
 * a listener of their own on 127.0.0.1 (as Apollo Router's Prometheus endpoint), so they are not public by
 * default; a configured port or host also gives them their own listener.
 */
function resolveMetrics(raw: RawConfig['metrics'], token: string | undefined, production: boolean, portOverride: number | undefined): JunctionConfig['metrics'] {
  const own = raw.enabled && (raw.port !== undefined || raw.host !== undefined || (production && token === undefined));
  const listener = own ? { host: raw.host ?? METRICS_LISTENER_DEFAULTS.host, port: portOverride ?? raw.port ?? METRICS_LISTENER_DEFAULTS.port } : undefined;
  return { enabled: raw.enabled, path: raw.path, token, listener };
}

/** Subgraph errors are redacted in production unless configured otherwise; a subgraph's entry overrides keys of `all`. */
function resolveSubgraphErrors(raw: RawConfig['subgraphErrors'], production: boolean): JunctionConfig['subgraphErrors'] {
  const all: SubgraphErrorRule = { redact: raw.all.redact ?? production, allowExtensions: raw.all.allowExtensions, passCodes: raw.all.passCodes };
  const byName = Object.fromEntries(
    Object.entries(raw.subgraphs).map(([name, over]) => [
      name,
      { redact: over.redact ?? all.redact, allowExtensions: over.allowExtensions ?? all.allowExtensions, passCodes: over.passCodes ?? all.passCodes },
    ]),
  );
  return { all, byName };
}

/** A `{ value | valueFromEnv }` secret's value; an unset or too short variable is a listed problem. */
function resolveSecret(
  ref: { value?: string | undefined; valueFromEnv?: string | undefined } | undefined,
  env: Environment,
  minLength: number,
  where: string,
  problems: string[],
): string | undefined {
  if (!ref) return undefined;
  const value = ref.value ?? env[ref.valueFromEnv ?? ''];
  if (value !== undefined && value.length >= minLength) return value;
  problems.push(`${where}: environment variable ${ref.valueFromEnv} must hold at least ${minLength} characters`);
  return undefined;
}

function resolveLimits(raw: RawConfig['limits']): JunctionConfig['limits'] {
  const resolved: Partial<Record<LimitName, Limit>> = {};
  for (const name of Object.keys(LIMIT_DEFAULTS) as LimitName[]) {
    const value = raw[name];
    resolved[name] = typeof value === 'number' ? { max: value, mode: raw.mode } : { max: value.max, mode: value.mode ?? raw.mode };
  }
  return { ...(resolved as LimitsConfig), batching: raw.batching, variables: raw.variables };
}

/** The folder holding Junction's package.json, whether running from src/ (tests) or dist/src/ (built). */
export function packageRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}

function envInt(env: Environment, name: string, problems: string[]): number | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  if (!/^\d+$/.test(value)) {
    problems.push(`${name}: "${value}" is not a whole number`);
    return undefined;
  }
  return Number(value);
}

// A section whose keys are all commented out parses as null; it means "all defaults".
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, withoutNulls(v)]));
  }
  return value;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
