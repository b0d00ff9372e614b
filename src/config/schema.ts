// Over 300 lines on purpose: the one schema of gateway.yaml — every key, its default and its description in
// one place, from which the config types and the docs derive.
import { z } from 'zod';

/**
 * `gateway.yaml`: every key Junction reads, with its default. Defaults live here and nowhere else.
 * Keys that depend on NODE_ENV default to `undefined` here and are resolved in `resolveConfig`.
 */
const retries = z
  .object({
    /** Retries of a failed query fetch (connection failure, timeout, HTTP 429/502/503/504); 0 = none. Mutations never retry. */
    attempts: z.number().int().min(0).max(10),
    /** First backoff; each retry doubles it (full jitter), up to maxBackoffMs. */
    backoffMs: z.number().int().min(0).max(60_000),
    maxBackoffMs: z.number().int().min(0).max(60_000),
    /** Retries may add at most this share (percent) of the subgraph's traffic over the last 10 s. */
    budgetPercent: z.number().min(0).max(100),
    /** A Retry-After longer than this is not waited for (the failure stands). */
    maxRetryAfterMs: z.number().int().min(0).max(60_000),
  })
  .strict();

const circuitBreaker = z
  .object({
    enabled: z.boolean(),
    /** Error and timeout rate measured over this rolling window. */
    windowMs: z.number().int().min(100).max(600_000),
    /** Fewest fetches in the window before the rate counts. */
    minimumRequests: z.number().int().min(1),
    /** Open at or above this failure rate (percent). */
    errorRatePercent: z.number().min(1).max(100),
    /** How long an open circuit fails fast before letting probes through. */
    openMs: z.number().int().min(100).max(600_000),
    /** Probes let through half-open; all must succeed to close. */
    halfOpenProbes: z.number().int().min(1).max(100),
  })
  .strict();

/** One subgraph's transport and resilience settings, complete (SUBGRAPH_DEFAULTS, then `all`, then its own name). */
const subgraphTransport = z
  .object({
    /** Longest wait for a subgraph's answer headers, and for each gap in its body; beyond it the socket is closed
     * and the fetch yields GATEWAY_TIMEOUT at the affected paths. */
    timeoutMs: z.number().int().positive().max(600_000),
    /** Largest subgraph answer read: a larger one is cut off (SUBGRAPH_RESPONSE_TOO_LARGE). */
    maxResponseBytes: z.number().int().positive(),
    /** Keep-alive connections per subgraph. */
    maxConnections: z.number().int().positive().max(4096),
    retries,
    circuitBreaker,
    /** Identical query fetches in flight at once (same operation, variables and identity) share one subgraph request. */
    dedup: z.boolean(),
    /** Subscriptions to this subgraph (README "Subscriptions"). */
    subscriptions: z
      .object({
        /** graphql-ws endpoint; default: the routing URL with http→ws, https→wss. */
        url: z
          .string()
          .url()
          .refine((u) => /^wss?:\/\//.test(u), 'must be a ws:// or wss:// URL')
          .optional(),
        /** `ws`: graphql-ws (graphql-transport-ws). An HTTP-callback mode is reserved for later. */
        protocol: z.enum(['ws']),
      })
      .strict(),
  })
  .strict();
/** As written under `subgraphs.<name>`: any key, nested ones key by key (merged over `all` in loadConfig). */
const subgraphTransportOverride = subgraphTransport.extend({ retries: retries.partial(), circuitBreaker: circuitBreaker.partial(), subscriptions: subgraphTransport.shape.subscriptions.partial() }).partial();

const mode = z.enum(['enforce', 'measure']);
/** A limit is a number (mode from `limits.mode`) or `{ max, mode }`. */
const limit = (fallback: number) =>
  z.union([z.number().int().positive(), z.object({ max: z.number().int().positive(), mode: mode.optional() }).strict()]).default(fallback);

/** The operation limits (`limits.<name>`), each with its secure default: generous for real clients (Sandbox's
 * introspection query, the benchmark query), tight for attacks. */
export const LIMIT_DEFAULTS = {
  maxTokens: 5000,
  maxDepth: 20,
  maxHeight: 200,
  maxAliases: 30,
  maxRootFields: 20,
  maxDirectives: 50,
  maxSelections: 5000,
  maxIntrospectionDepth: 20,
} as const;
const limitFields = Object.fromEntries(Object.entries(LIMIT_DEFAULTS).map(([name, max]) => [name, limit(max)])) as { [N in keyof typeof LIMIT_DEFAULTS]: ReturnType<typeof limit> };

/** A secret given inline (`value`) or as the environment variable holding it (`valueFromEnv`); see resolveSecret. */
const secretFields = (minLength: number) => ({ value: z.string().min(minLength).optional(), valueFromEnv: z.string().min(1).optional() });
const oneSecretSource = (where: string) =>
  [(s: { value?: string | undefined; valueFromEnv?: string | undefined }) => (s.value === undefined) !== (s.valueFromEnv === undefined), `${where} needs exactly one of value, valueFromEnv`] as const;

const regex = z.string().refine((pattern) => {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}, 'not a valid regular expression');
const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'not a valid header name');
const headerRule = z.union([
  z.object({ propagate: z.object({ named: headerName.optional(), matching: regex.optional(), rename: headerName.optional(), default: z.string().optional() }).strict().refine((p) => !!p.named !== !!p.matching, 'propagate needs exactly one of named, matching') }).strict(),
  z.object({ insert: z.object({ name: headerName, value: z.string().optional(), fromClaim: z.string().min(1).optional() }).strict().refine((i) => (i.value === undefined) !== (i.fromClaim === undefined), 'insert needs exactly one of value, fromClaim') }).strict(),
  z.object({ remove: z.object({ named: headerName.optional(), matching: regex.optional() }).strict().refine((r) => !!r.named !== !!r.matching, 'remove needs exactly one of named, matching') }).strict(),
]);

/**
 * Subgraph error codes whose messages are written for the client (its input, its credentials, its rights):
 * kept when messages are redacted. The rest (DB_DOWN, INTERNAL_SERVER_ERROR, DOWNSTREAM_SERVICE_ERROR, …)
 * describe the subgraph's internals. Persisted-query and GraphQL validation codes are not here: Junction
 * sends subgraphs full, planned documents, so such an error from a subgraph is a gateway/subgraph mismatch.
 */
const CLIENT_ERROR_CODES = ['BAD_USER_INPUT', 'UNAUTHENTICATED', 'FORBIDDEN'] as const;

const extensionKey = z.string().min(1).max(100);
/** How one subgraph's errors reach clients (`subgraphErrors.all`, or a subgraph's own entry over it). */
const subgraphErrorRule = {
  /** Messages become "Subgraph errors redacted" (except `passCodes`); extensions keep only `code`, `serviceName` and `allowExtensions`. Default: on in production. */
  redact: z.boolean().optional(),
  /** Extension keys kept when redacting, besides `code` and `serviceName` (always kept). */
  allowExtensions: z.array(extensionKey),
  /** Codes whose message is kept when redacting (their extensions are still filtered). */
  passCodes: z.array(z.string().min(1)),
};

/** The metrics' own listener (Apollo Router's Prometheus default): reachable from the host only. */
export const METRICS_LISTENER_DEFAULTS = { host: '127.0.0.1', port: 9090 } as const;

/** An origin as a browser sends it in `Origin`: scheme://host[:port], lower case, no default port, no path. */
const origin = z.string().refine((value) => {
  try {
    return new URL(value).origin === value;
  } catch {
    return false;
  }
}, 'not an origin: write scheme://host[:port] without a path or a trailing slash, as browsers send it (allowAny: true for every origin)');
const token = (what: string) => z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, `not a valid ${what}`);

/**
 * Cross-origin reads from browsers (README "CORS"), in Apollo Router's shape. Attack stopped: a page on any
 * other site reading Junction's answers (with its visitor's cookies when credentials are allowed); only the
 * listed origins may. `allowAny` with `allowCredentials` is refused: browsers ignore credentials with `*`, and
 * the usual workaround, reflecting every origin, would let any site read answers with its visitors' cookies.
 */
const corsSettings = (defaults: { origins: string[]; methods: string[] }) =>
  z
    .object({
      /** Allowed origins, compared exactly (`https://app.example.com`). */
      origins: z.array(origin).default(defaults.origins),
      /** Allowed origins by regular expression, matched against the whole origin (as if within ^…$). */
      matchOrigins: z.array(regex).default([]),
      /** Every origin (`Access-Control-Allow-Origin: *`); then origins and matchOrigins are not consulted. */
      allowAny: z.boolean().default(false),
      /** `Access-Control-Allow-Credentials: true`: cookies and HTTP authentication on cross-origin requests. */
      allowCredentials: z.boolean().default(false),
      /** Request headers a page may send; empty: whatever the preflight's Access-Control-Request-Headers asks. */
      allowHeaders: z.array(headerName).default([]),
      /** Response headers a page may read besides the safelisted ones (the rate-limit headers of traffic/rateLimitHeaders.ts, Retry-After, x-request-id). */
      exposeHeaders: z.array(headerName).default(['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'Retry-After', 'x-request-id']),
      methods: z.array(token('method')).min(1).default(defaults.methods),
      /** How long a browser may reuse a preflight answer (Access-Control-Max-Age; Chromium caps it at 7200). */
      maxAgeSec: z.number().int().min(0).max(86_400).default(600),
    })
    .strict()
    .superRefine((cors, ctx) => {
      if (cors.allowAny && cors.allowCredentials) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['allowCredentials'],
          message: 'allowCredentials cannot be combined with allowAny (browsers refuse credentials with Access-Control-Allow-Origin: *, and allowing every origin with cookies would let any site read answers as its visitors); list the origins instead',
        });
      }
      for (const key of ['allowHeaders', 'exposeHeaders', 'methods'] as const) {
        if (cors.allowCredentials && cors[key].includes('*')) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], message: `"*" cannot be combined with allowCredentials (browsers read it literally on credentialed requests); list the ${key === 'methods' ? 'methods' : 'headers'}` });
        }
      }
    });

export const SUBGRAPH_DEFAULTS: SubgraphSettings = {
  timeoutMs: 30_000,
  maxResponseBytes: 32 * 1024 * 1024,
  maxConnections: 128,
  retries: { attempts: 2, backoffMs: 50, maxBackoffMs: 1000, budgetPercent: 10, maxRetryAfterMs: 2000 },
  circuitBreaker: { enabled: true, windowMs: 10_000, minimumRequests: 20, errorRatePercent: 50, openMs: 1000, halfOpenProbes: 3 },
  dedup: true,
  subscriptions: { protocol: 'ws' },
};

const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

export const configSchema = z
  .object({
    server: z
      .object({
        host: z.string().min(1).default('0.0.0.0'),
        port: z.number().int().min(0).max(65535).default(4000),
        /** Largest accepted request body (413 PAYLOAD_TOO_LARGE beyond). */
        maxBodyBytes: z.number().int().positive().default(1024 * 1024),
        /** On SIGTERM, how long in-flight requests may take before the process exits anyway. */
        shutdownGraceMs: z.number().int().min(0).default(10_000),
        /** Whole-request deadline enforced by Node's HTTP server (slow clients). */
        requestTimeoutMs: z.number().int().positive().default(60_000),
        /** Time a client has to send all request headers (slow-loris). */
        headersTimeoutMs: z.number().int().positive().default(20_000),
        /** Idle keep-alive connections are closed after this long. */
        keepAliveTimeoutMs: z.number().int().positive().default(5_000),
        /** Largest request head (request line + headers); beyond it: 431. */
        maxHeaderBytes: z.number().int().min(1024).max(1024 * 1024).default(16 * 1024),
        /** Header floods (many small headers, each one parsed, copied and walked): more request headers than this
         * → 431 REQUEST_HEADER_FIELDS_TOO_LARGE. Apollo Router's default. */
        maxHeaders: z.number().int().min(1).max(1000).default(100),
        /** Slow bodies (a byte now and then holds a socket until requestTimeoutMs): no byte of the body for this
         * long → 408 REQUEST_TIMEOUT and the connection is closed. */
        bodyIdleTimeoutMs: z.number().int().positive().max(600_000).default(10_000),
        /** HTTPS: PEM certificate (chain) and key files. */
        tls: z.object({ certFile: z.string().min(1), keyFile: z.string().min(1) }).strict().optional(),
        /** Worker processes sharing the port (node:cluster); `auto` = one per core. */
        workers: z.union([z.number().int().min(1).max(256), z.literal('auto')]).default(1),
      })
      .strict()
      .default({}),
    graphql: z
      .object({
        /** Apollo Sandbox landing page on GET /graphql from a browser. Default: on outside production. */
        landingPage: z.boolean().optional(),
        /** Schema introspection. Default: on outside production. */
        introspection: z.boolean().optional(),
        /** "Did you mean …" suggestions in errors. Default: only when NODE_ENV=development. */
        suggestions: z.boolean().optional(),
      })
      .strict()
      .default({}),
    /** CORS on /graphql (README "CORS"): by default only Apollo Sandbox (https://studio.apollographql.com), no credentials. */
    cors: corsSettings({ origins: ['https://studio.apollographql.com'], methods: ['GET', 'POST', 'OPTIONS'] }).default({}),
    queryPlan: z
      .object({
        /** Answer Apollo-Query-Plan-Experimental / Apollo-Expose-Query-Plan. Default: on outside production. */
        expose: z.boolean().optional(),
        /** Plans kept in memory per supergraph (least recently used evicted). */
        cacheMaxEntries: z.number().int().positive().default(2000),
        /** Progressive-override labels (other than percent(N)) to treat as active. */
        overrideLabels: z.record(z.boolean()).default({}),
        /** Also keep plans in the store (Redis): a new replica, or one after a restart, starts warm. */
        shared: z.boolean().default(false),
        /** Who plans operations: `apollo` (@apollo/query-planner) or `rust` (Hive Router's planner,
         * @graphql-hive/router-query-planner). README "Query planners" gives the evidence for the default. */
        planner: z.enum(['apollo', 'rust']).default('rust'),
        /**
         * How `@override(label: "percent(N)")` decides: `client` — by a hash of the client key (the rate-limit rules:
         * token subject, API-key header, address), so one client always sees the same side; `request` — a fresh
         * roll per request (Apollo Router's behaviour).
         */
        overrideStickiness: z.enum(['client', 'request']).default('client'),
      })
      .strict()
      .default({}),
    limits: z
      .object({
        /** `enforce` rejects an operation over a limit (400, before any subgraph is called); `measure` only logs. */
        mode: mode.default('enforce'),
        ...limitFields,
        /**
         * Stack exhaustion and CPU amplification through variables: checked on the parsed body before any other
         * work, always enforced (`mode` does not apply). A nesting of 64 is far beyond real input types and far
         * below what any recursive walk downstream (coercion, serialization to subgraphs) can take.
         */
        variables: z
          .object({
            /** Deepest nesting of lists and objects in a variable's value (`[[1]]` is 2) → 400 VARIABLES_TOO_DEEP. */
            maxDepth: z.number().int().min(1).max(1000).default(64),
            /** Most values in all variables (each scalar, list and object counts one) → 400 VARIABLES_TOO_LARGE. */
            maxValues: z.number().int().positive().default(10_000),
          })
          .strict()
          .default({}),
        batching: z
          .object({
            /** Array bodies (several operations in one request); each operation is checked on its own. */
            enabled: z.boolean().default(false),
            maxSize: z.number().int().positive().max(1000).default(10),
          })
          .strict()
          .default({}),
      })
      .strict()
      .default({}),
    cost: z
      .object({
        /** Static @cost/@listSize demand control: `enforce`, `measure` (log only) or `off`. */
        mode: z.enum(['enforce', 'measure', 'off']).default('enforce'),
        /** Largest estimated cost accepted (COST_ESTIMATED_TOO_EXPENSIVE above it). */
        max: z.number().int().positive().default(50_000),
        /** Size assumed for a list without a slicing argument or @listSize(assumedSize). */
        defaultListSize: z.number().int().positive().default(10),
        /** Answer `extensions.cost` ({ estimated, actual, max }) when the request has `Junction-Expose-Cost: true`. */
        expose: z.boolean().optional(),
      })
      .strict()
      .default({}),
    auth: z
      .object({
        /** Where the token is read: header (with prefix), else this cookie. The header name is case-insensitive. */
        header: z.string().min(1).default('authorization'),
        /** The scheme before the token, matched case-insensitively; '' = the header is the raw token. */
        prefix: z.string().default('Bearer '),
        cookie: z.string().min(1).optional(),
        /** A request without a token is refused (401) instead of anonymous. */
        require: z.boolean().default(false),
        issuer: z.union([z.string(), z.array(z.string())]).optional(),
        audience: z.union([z.string(), z.array(z.string())]).optional(),
        /** Allowlist: a token signed with any other algorithm (or `none`) is refused. */
        algorithms: z.array(z.enum(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'HS256', 'HS384', 'HS512'])).min(1).default(['RS256', 'ES256', 'EdDSA']),
        /** Skew allowed on exp/nbf. */
        clockToleranceSec: z.number().int().min(0).max(300).default(30),
        /** A larger token is refused before any parsing. */
        maxTokenBytes: z.number().int().positive().default(8192),
        /** Remote JWKS, cached; an unknown kid refetches it at most once per cooldownMs. */
        jwks: z
          .object({ url: z.string().url(), cooldownMs: z.number().int().positive().default(30_000), timeoutMs: z.number().int().positive().default(5_000) })
          .strict()
          .optional(),
        keys: z.array(z.union([z.object({ jwk: z.record(z.unknown()) }).strict(), z.object({ pem: z.string().min(1), alg: z.string().min(1) }).strict()])).default([]),
        /** HMAC secrets (at least 32 characters), honoured only for the HS algorithms in the allowlist. */
        secrets: z.array(z.object({ secret: z.string().min(32, 'HMAC secrets must be at least 32 characters') }).strict()).default([]),
        /** Accept tokens from `junction token` (the development key in .junction/). Never honoured in production. */
        devKey: z.boolean().optional(),
      })
      .strict()
      .default({}),
    /**
     * Information disclosure: a subgraph's error message and extensions (connection strings, hosts, stack
     * dumps) reach clients. `all` applies to every subgraph; a subgraph's own entry overrides single keys.
     */
    subgraphErrors: z
      .object({
        all: z
          .object({ ...subgraphErrorRule, allowExtensions: subgraphErrorRule.allowExtensions.default([]), passCodes: subgraphErrorRule.passCodes.default([...CLIENT_ERROR_CODES]) })
          .strict()
          .default({}),
        subgraphs: z.record(z.object({ ...subgraphErrorRule, allowExtensions: subgraphErrorRule.allowExtensions.optional(), passCodes: subgraphErrorRule.passCodes.optional() }).strict()).default({}),
      })
      .strict()
      .default({}),
    /** Header propagation to subgraphs: `all` first, then the subgraph's own rules, in order. */
    headers: z
      .object({ all: z.array(headerRule).default([]), subgraphs: z.record(z.array(headerRule)).default({}) })
      .strict()
      .default({}),
    authorization: z
      .object({
        /** `filter`: unauthorized fields are removed (null + UNAUTHORIZED_FIELD_OR_TYPE); `reject`: the operation is refused (403). */
        mode: z.enum(['filter', 'reject']).default('filter'),
        policies: z
          .object({
            /** A module exporting `evaluatePolicy(name, principal) => boolean | Promise<boolean>`, resolved from the working directory. */
            module: z.string().min(1).optional(),
            /** Built-in rule: a policy named `claim:value` holds when the claim equals (or, for a list, contains) value. */
            claimMatch: z.boolean().default(true),
          })
          .strict()
          .default({}),
      })
      .strict()
      .default({}),
    identity: z
      .object({
        /** Forward the principal's claims as `extensions.jwt.payload` in every subgraph request. */
        forwardClaims: z.boolean().default(true),
        subgraphToken: z
          .object({
            /** The header carrying the gateway-signed identity token to subgraphs. */
            header: z.string().min(1).default('x-junction-identity'),
            ttlSec: z.number().int().min(10).max(3600).default(60),
            /** HS256 secret shared with the subgraphs (≥ 32 bytes). Else env JUNCTION_IDENTITY_SECRET, else
             * outside production a generated .junction/identity-secret; with none, no identity is sent. */
            secret: z.string().min(32).optional(),
          })
          .strict()
          .default({}),
      })
      .strict()
      .default({}),
    execution: z
      .object({
        /** `junction`: Junction's executor and compiled result shaper; `apollo`: @apollo/gateway's executeQueryPlan for every plan. */
        executor: z.enum(['junction', 'apollo']).default('junction'),
      })
      .strict()
      .default({}),
    /** Where APQ registrations, the caches, shared query plans and rate-limit counters live (src/store); the registry's Redis backend connects with these settings too. */
    store: z
      .object({
        /** `memory` (per process) or `redis` (shared by every replica). Default: `redis` when REDIS_URL is set, else `memory`. */
        backend: z.enum(['memory', 'redis']).optional(),
        /** Prepended to every key, so several gateways (or environments) can share one Redis. */
        keyPrefix: z.string().default('junction:'),
        memory: z
          .object({
            /** Most bytes (keys + values) kept in memory; least recently used entries are evicted beyond. */
            maxBytes: z.number().int().positive().default(64 * 1024 * 1024),
          })
          .strict()
          .default({}),
        redis: z
          .object({
            /** redis:// or rediss:// URL. REDIS_URL wins over it. */
            url: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').optional(),
            /** Redis Cluster: seed node URLs (then `url` is ignored). */
            cluster: z.array(z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')).default([]),
            /** A command slower than this counts as a miss (or a failed write). */
            commandTimeoutMs: z.number().int().positive().max(60_000).default(250),
            connectTimeoutMs: z.number().int().positive().max(60_000).default(2_000),
            /** Retries of one command while reconnecting (the connection itself is retried for ever, with backoff). */
            maxRetriesPerRequest: z.number().int().min(0).max(10).default(1),
          })
          .strict()
          .default({}),
      })
      .strict()
      .default({}),
    /** Automatic persisted queries and trusted documents (persisted-operation manifests). */
    persistedQueries: z
      .object({
        apq: z
          .object({
            /** Answer `extensions.persistedQuery` hashes from the store (PERSISTED_QUERY_NOT_SUPPORTED when off). */
            enabled: z.boolean().default(true),
            /** How long a registered query is kept. */
            ttlSec: z.number().int().positive().default(86_400),
          })
          .strict()
          .default({}),
        /** `off`, `log_unknown` (serve, log and count operations not in a manifest), `safelist` (only listed ids or bodies), `require_id` (only listed ids). */
        mode: z.enum(['off', 'log_unknown', 'safelist', 'require_id']).default('off'),
        /** Apollo persisted-query manifests, read at start and re-read when they change. */
        manifests: z
          .array(
            z
              .object({
                path: z.string().min(1).optional(),
                url: z.string().url().optional(),
                /** Every operation of this manifest belongs to this client (overrides the entries' clientName). */
                clientName: z.string().min(1).optional(),
              })
              .strict()
              .refine((m) => (m.path === undefined) !== (m.url === undefined), 'a manifest needs exactly one of path, url'),
          )
          .default([]),
        /** How often manifest URLs are re-fetched (files are watched every 500 ms). */
        pollIntervalMs: z.number().int().min(1000).default(30_000),
        /** An id listed for a client (clientName) is accepted only from that client (`apollographql-client-name` header). */
        scopeByClientName: z.boolean().default(false),
        /** Callers that skip the safelist (internal tools): any of these scopes, or this header with this value. */
        bypass: z
          .object({
            scopes: z.array(z.string().min(1)).default([]),
            header: z
              /** The header, and the shared secret or the environment variable holding it. */
              .object({ name: headerName, ...secretFields(16) })
              .strict()
              .refine(...oneSecretSource('bypass.header'))
              .optional(),
          })
          .strict()
          .default({}),
        /** Plan every manifest operation at start and after each supergraph or manifest change. */
        prewarm: z.boolean().default(true),
      })
      .strict()
      .default({}),
    /** Response cache, entity cache and their invalidation (README "Caching"). Off unless enabled. */
    cache: z
      .object({
        response: z
          .object({
            /** Cache whole query responses by operation, variables, vary headers and (for PRIVATE data) principal. */
            enabled: z.boolean().default(false),
            /** Longest time a response is kept, whatever the subgraphs allow. */
            maxTtlSec: z.number().int().positive().default(3600),
            /** Request headers whose values are part of the key (headers propagated to subgraphs always are). */
            varyHeaders: z.array(headerName).default([]),
          })
          .strict()
          .default({}),
        entities: z
          .object({
            /** Cache subgraph root-field and `_entities` results per entity representation. */
            enabled: z.boolean().default(false),
            maxTtlSec: z.number().int().positive().default(3600),
            /** Per subgraph: on/off and a TTL cap (over the global ones). */
            subgraphs: z.record(z.object({ enabled: z.boolean().optional(), maxTtlSec: z.number().int().positive().optional() }).strict()).default({}),
          })
          .strict()
          .default({}),
        /** A mutation whose result holds entities (with their keys) invalidates them. */
        invalidateOnMutation: z.boolean().default(true),
        /** Subgraph response header listing cache tags (comma or space separated) for tag invalidation. */
        tagHeader: headerName.default('cache-tag'),
      })
      .strict()
      .default({}),
    /** The admin API (POST /admin/cache/invalidate): callers with one of these scopes, or this bearer token. */
    admin: z
      .object({
        /** CORS on /admin/… (same keys as `cors`; no origin by default, DELETE allowed too); absent: the admin API is same-origin only. */
        cors: corsSettings({ origins: [], methods: ['GET', 'POST', 'DELETE', 'OPTIONS'] }).optional(),
        scopes: z.array(z.string().min(1)).default(['junction:admin']),
        token: z
          .object(secretFields(32))
          .strict()
          .refine(...oneSecretSource('admin.token'))
          .optional(),
      })
      .strict()
      .default({}),
    /** The subgraph registry (README "Subgraph registry"): teams publish subgraphs through the admin API. */
    registry: z
      .object({
        /** Serve the registry's current supergraph; supergraph.yaml only seeds an empty registry. */
        enabled: z.boolean().default(false),
        /** `file` (in dataDir) or `redis` (shared by replicas). Default: `redis` when the store is Redis, else `file`. */
        backend: z.enum(['file', 'redis']).optional(),
        /** Where the file backend keeps registry.json (relative to the working directory). */
        dataDir: z.string().min(1).default('.junction/registry'),
        /** Supergraph versions kept for history and rollback. */
        historyLimit: z.number().int().min(2).max(1000).default(50),
        /** How often replicas poll for a change they may have missed (pub/sub tells them at once). */
        pollIntervalMs: z.number().int().min(100).max(60_000).default(1000),
        /**
         * SSRF: the gateway fetches whatever URL a publisher registers (cloud metadata at 169.254.169.254, admin
         * ports). When set, a published URL must match one of these regular expressions as a whole (against the
         * WHATWG-normalized URL), else 400 SUBGRAPH_URL_NOT_ALLOWED. Empty: any http(s) URL.
         */
        allowedUrls: z.array(regex).default([]),
        /** Canary releases (`junction publish --canary`, docs/canary.md): how a candidate is judged and ramped. */
        canary: z
          .object({
            /** A stage lasts at least this long before the canary moves to the next share (or is promoted). */
            windowMs: z.number().int().min(100).max(86_400_000).default(300_000),
            /** Requests each variant must have served (operations both serve) in a stage before it is judged. */
            minRequests: z.number().int().min(1).default(200),
            /** Shares after the first, in percent, each after a window within thresholds; 100 (promotion) follows the last. */
            ramp: z.array(z.number().gt(0).lt(100)).default([]),
            /** Rolled back when the canary's failure rate exceeds the stable one's by more than this (0.01 = one point). */
            maxErrorRateIncrease: z.number().min(0).max(1).default(0.01),
            /** Rolled back when the canary's p95 latency exceeds max(stable p95 × this, stable p95 + latencyToleranceMs). */
            maxLatencyRatio: z.number().min(1).default(1.5),
            /** Absolute slack for the latency comparison (fast operations jitter by more than any ratio). */
            latencyToleranceMs: z.number().min(0).default(25),
            /** How often each replica adds its figures to the shared ones and the canary is judged. */
            evaluateIntervalMs: z.number().int().min(50).max(60_000).default(5_000),
          })
          .strict()
          .default({}),
      })
      .strict()
      .default({}),
    /** Overall deadline and rate limits (README "Traffic and resilience"). */
    traffic: z
      .object({
        /** A client request's subgraph work ends after this long: fetches still running yield GATEWAY_TIMEOUT. */
        requestTimeoutMs: z.number().int().positive().max(600_000).default(30_000),
      })
      .strict()
      .default({}),
    rateLimit: z
      .object({
        enabled: z.boolean().default(false),
        /** How a client is identified, first that applies: `sub` (the token's subject), `header:<name>` (an API key), `ip`. */
        clientKey: z.array(z.union([z.literal('sub'), z.literal('ip'), z.string().regex(/^header:[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be sub, ip or header:<name>')])).min(1).default(['sub', 'ip']),
        /** Proxies whose X-Forwarded-For is believed (IP addresses); the client IP is the last address they did not add. */
        trustedProxies: z.array(z.string().ip()).default([]),
        windowSec: z.number().int().min(1).max(86_400).default(60),
        /** Per client and window: requests, and the sum of estimated costs (0 = no limit). */
        perClient: z.object({ requests: z.number().int().min(0).default(600), cost: z.number().int().min(0).default(0) }).strict().default({}),
        /** For all clients together. */
        global: z.object({ requests: z.number().int().min(0).default(0), cost: z.number().int().min(0).default(0) }).strict().default({}),
      })
      .strict()
      .default({}),
    /** `all` applies to every subgraph; a subgraph's own name overrides single settings. */
    subgraphs: z.record(subgraphTransportOverride).default({}),
    /** Subscriptions (README "Subscriptions"): WebSocket (graphql-ws), SSE and multipart on /graphql. Every bound
     * here stops one client from holding memory or sockets the others need; each refusal has a code. */
    subscriptions: z
      .object({
        enabled: z.boolean().default(true),
        /** Open subscription connections (WebSocket, SSE, multipart) per process; beyond: refused (4503 / 503). */
        maxConnections: z.number().int().min(1).default(20_000),
        /** Active subscriptions on one WebSocket connection; beyond: that subscribe gets SUBSCRIPTION_LIMIT. */
        maxPerConnection: z.number().int().min(1).default(100),
        /** Active subscriptions per client (the rate-limit client key: principal, else IP) in this process. */
        maxPerClient: z.number().int().min(1).default(500),
        /** Subscribe messages per client per second (token bucket, burst = 2 s worth); beyond: RATE_LIMITED. */
        subscribeRatePerSec: z.number().int().min(1).default(50),
        /** A WebSocket must send connection_init within this long (close 4408). */
        connectionInitTimeoutMs: z.number().int().positive().default(10_000),
        /** Largest client WebSocket message (close 1009). */
        maxMessageBytes: z.number().int().positive().default(256 * 1024),
        /** Ping every this long; a client that has not answered the previous ping by then is disconnected. */
        keepAliveMs: z.number().int().positive().default(15_000),
        /** Events waiting for one slow client (unsent bytes on the socket, or results not yet written): beyond,
         * the client is disconnected with SUBSCRIPTION_SLOW_CONSUMER (close 4429 on a WebSocket). */
        maxQueuedEvents: z.number().int().min(1).default(100),
        /** Unsent bytes on one client socket before it counts as a slow consumer. */
        maxBufferedBytes: z.number().int().positive().default(4 * 1024 * 1024),
        /** Heartbeat of multipart subscriptions (Apollo's protocol: an empty `{}` part). */
        multipartHeartbeatMs: z.number().int().positive().default(5_000),
      })
      .strict()
      .default({}),
    supergraph: z
      .object({
        /** Re-compose when supergraph.yaml or a schema file it names changes. */
        watch: z.boolean().default(true),
      })
      .strict()
      .default({}),
    logging: z
      .object({
        /** LOG_LEVEL wins. */
        level: logLevel.default('info'),
        /** One `request` line (info) per HTTP request: id, operation, client, status, duration, cost, cache, subgraphs. */
        accessLog: z.boolean().default(true),
      })
      .strict()
      .default({}),
    /** OpenTelemetry traces over OTLP (README "Observability"); exporter details come from the OTEL_* variables. */
    tracing: z
      .object({
        /** Default: on when OTEL_TRACES_EXPORTER=otlp or an OTLP endpoint variable is set. */
        enabled: z.boolean().optional(),
        /** `service.name` of the spans; OTEL_SERVICE_NAME wins; default `junction`. */
        serviceName: z.string().min(1).optional(),
      })
      .strict()
      .default({}),
    /** Prometheus metrics (README "Observability"). */
    metrics: z
      .object({
        enabled: z.boolean().default(true),
        path: z.string().regex(/^\/[A-Za-z0-9._~\/-]*$/, 'must be a URL path such as /metrics').default('/metrics'),
        /**
         * Serve the metrics on a listener of their own, on this port (default 9090) and host (default
         * 127.0.0.1), instead of the GraphQL port. Default: in production without a token, 127.0.0.1:9090.
         */
        port: z.number().int().min(0).max(65535).optional(),
        host: z.string().min(1).optional(),
        /** Scrapers must send `Authorization: Bearer <token>` (at least 16 characters). */
        token: z
          .object(secretFields(16))
          .strict()
          .refine(...oneSecretSource('metrics.token'))
          .optional(),
      })
      .strict()
      .default({}),
  })
  .strict();

/** gateway.yaml as parsed: schema defaults applied; keys whose default depends on NODE_ENV or the environment still optional. */
export type RawConfig = z.output<typeof configSchema>;
/** One subgraph's transport and resilience settings, resolved (`subgraphs.all`, then its own name over it). */
export type SubgraphSettings = z.output<typeof subgraphTransport>;
/** One header rule (`headers.all` or `headers.subgraphs.<name>`), applied in order. */
export type HeaderRule = z.output<typeof headerRule>;
export type LogLevel = z.output<typeof logLevel>;
export const isLogLevel = (value: string): value is LogLevel => (logLevel.options as readonly string[]).includes(value);
