// Over 300 lines on purpose: the one place NODE_ENV-dependent defaults, secrets from the environment and
// lower-casing are resolved, after the schema validated the file.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { availableParallelism } from 'node:os';
import { configSchema, isLogLevel, LIMIT_DEFAULTS, METRICS_LISTENER_DEFAULTS, SUBGRAPH_DEFAULTS, type HeaderRule, type RawConfig, type SubgraphSettings } from './schema';
import { parseYamlWith, type Validated } from './yamlDocument';

export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * `T` with the keys `K` resolved: optional in the schema because their default depends on NODE_ENV or the
 * environment, always set once `loadConfig` has run.
 */
type Resolved<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: Exclude<T[P], undefined> };

/** The operation limits (`limits.maxDepth`, …). */
export type LimitName = keyof typeof LIMIT_DEFAULTS;
/** One limit, resolved: its maximum and whether going over rejects (enforce) or only logs (measure). */
export type Limit = Required<Exclude<RawConfig['limits'][LimitName], number>>;
export type LimitMode = Limit['mode'];
export type LimitsConfig = Record<LimitName, Limit>;

/** `cors` and `admin.cors`: who may read answers from a browser page on another origin. */
export type CorsSettings = RawConfig['cors'];

/** How one subgraph's errors reach clients (`subgraphErrors.all`, a subgraph's entry resolved over it). */
export type SubgraphErrorRule = Resolved<RawConfig['subgraphErrors']['all'], 'redact'>;

type BypassHeader = NonNullable<RawConfig['persistedQueries']['bypass']['header']>;

/**
 * Junction's settings after validation and defaults: frozen, read once at start. Every section is the
 * schema's own type (src/config/schema.ts), with what `loadConfig` resolves from NODE_ENV and the environment.
 * The header names features look up are lower case: the identity and bypass headers, the cache tag and vary
 * headers, the names in header rules.
 */
export interface JunctionConfig {
  readonly production: boolean;
  readonly server: Omit<RawConfig['server'], 'workers'> & { workers: number };
  /** Landing page and introspection on outside production; suggestions only when NODE_ENV=development. */
  readonly graphql: Resolved<RawConfig['graphql'], 'landingPage' | 'introspection' | 'suggestions'>;
  /** CORS on /graphql (docs/http.md "CORS"). */
  readonly cors: CorsSettings;
  readonly limits: LimitsConfig & Pick<RawConfig['limits'], 'batching' | 'variables'>;
  readonly cost: Resolved<RawConfig['cost'], 'expose'>;
  readonly queryPlan: Resolved<RawConfig['queryPlan'], 'expose'>;
  readonly subgraphs: {
    all: SubgraphSettings;
    byName: Readonly<Record<string, SubgraphSettings>>;
  };
  readonly traffic: RawConfig['traffic'];
  readonly rateLimit: RawConfig['rateLimit'];
  readonly execution: RawConfig['execution'];
  readonly subscriptions: RawConfig['subscriptions'];
  readonly headers: RawConfig['headers'];
  /** What of a subgraph's errors reaches clients: `all`, and per subgraph name (each key resolved over `all`). */
  readonly subgraphErrors: { all: SubgraphErrorRule; byName: Readonly<Record<string, SubgraphErrorRule>> };
  readonly authorization: RawConfig['authorization'];
  readonly identity: Omit<RawConfig['identity'], 'subgraphToken'> & {
    subgraphToken: RawConfig['identity']['subgraphToken'] & {
      /** Outside production, without a secret, the generated development secret is used. */
      devSecret: boolean;
    };
  };
  readonly auth: Resolved<RawConfig['auth'], 'devKey'> & {
    /** Where the development key lives (the package's `.junction/`, kept out of git). */
    devKeyDir: string;
  };
  readonly supergraph: RawConfig['supergraph'];
  readonly store: Resolved<RawConfig['store'], 'backend'>;
  readonly persistedQueries: Omit<RawConfig['persistedQueries'], 'bypass'> & {
    bypass: Omit<RawConfig['persistedQueries']['bypass'], 'header'> & {
      /** The header and its secret (read from the environment when so configured); undefined: none. */
      header: (Omit<BypassHeader, 'value' | 'valueFromEnv'> & { value: string }) | undefined;
    };
  };
  readonly cache: RawConfig['cache'];
  readonly admin: Omit<RawConfig['admin'], 'token'> & { token: string | undefined };
  readonly registry: Resolved<RawConfig['registry'], 'backend'>;
  readonly logging: RawConfig['logging'];
  /** OpenTelemetry tracing; `endpoint` undefined = the OTLP exporter's default (http://localhost:4318/v1/traces). */
  readonly tracing: Resolved<RawConfig['tracing'], 'enabled' | 'serviceName'> & { endpoint: string | undefined };
  readonly metrics: Omit<RawConfig['metrics'], 'token' | 'port' | 'host'> & {
    token: string | undefined;
    /** The metrics' own listener; undefined: they are served on the GraphQL port. */
    listener: Required<Pick<RawConfig['metrics'], 'host' | 'port'>> | undefined;
  };
  /** The environment as read at start, for `${env.NAME}` expansion in supergraph.yaml. */
  readonly env: Environment;
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
  let level = raw.logging.level;
  if (env.LOG_LEVEL !== undefined) {
    if (isLogLevel(env.LOG_LEVEL)) level = env.LOG_LEVEL;
    else problems.push(`LOG_LEVEL: unknown level "${env.LOG_LEVEL}"`);
  }
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
    subscriptions: { ...base.subscriptions, ...over.subscriptions },
  });
  const all = merge(SUBGRAPH_DEFAULTS, rawAll);
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
    subscriptions: raw.subscriptions,
    headers: { all: raw.headers.all.map(lowerCaseNames), subgraphs: Object.fromEntries(Object.entries(raw.headers.subgraphs).map(([name, rules]) => [name, rules.map(lowerCaseNames)])) },
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
    cache: {
      ...raw.cache,
      response: { ...raw.cache.response, varyHeaders: raw.cache.response.varyHeaders.map((h) => h.toLowerCase()) },
      tagHeader: raw.cache.tagHeader.toLowerCase(),
    },
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

/** A header rule with its header names in lower case (patterns match case-insensitively; values are kept). */
function lowerCaseNames(rule: HeaderRule): HeaderRule {
  if ('propagate' in rule) return { propagate: lowerCased(rule.propagate, ['named', 'rename']) };
  if ('insert' in rule) return { insert: lowerCased(rule.insert, ['name']) };
  return { remove: lowerCased(rule.remove, ['named']) };
}

function lowerCased<T extends Record<string, unknown>>(value: T, keys: ReadonlyArray<keyof T>): T {
  const copy = { ...value };
  for (const key of keys) if (typeof copy[key] === 'string') copy[key] = (copy[key] as string).toLowerCase() as T[keyof T];
  return copy;
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
