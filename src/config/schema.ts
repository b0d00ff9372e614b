// Over 300 lines on purpose: the one schema of gateway.yaml — every key, its default and its description in
// one place, from which the config types and the docs derive.
import { z } from 'zod';

/**
 * `gateway.yaml`: every key Junction reads, with its default. Defaults live here and nowhere else.
 * Keys that depend on NODE_ENV default to `undefined` here and are resolved in `resolveConfig`.
 */
const retries = z
  .object({
    attempts: z.number().int().min(0).max(10).describe('Retries of a failed query fetch (connection failure, timeout, HTTP 429/502/503/504); 0 = none. Mutations never retry.'),
    backoffMs: z.number().int().min(0).max(60_000).describe('First backoff; each retry doubles it (full jitter), up to maxBackoffMs.'),
    maxBackoffMs: z.number().int().min(0).max(60_000).describe('Longest backoff between two retries.'),
    budgetPercent: z.number().min(0).max(100).describe('Retries may add at most this share (percent) of the subgraph\'s traffic over the last 10 s.'),
    maxRetryAfterMs: z.number().int().min(0).max(60_000).describe('A Retry-After longer than this is not waited for (the failure stands).'),
  })
  .strict()
  .describe('Retries of failed query fetches (docs/traffic.md "Retries"), with full-jitter exponential backoff and a retry budget.');

const circuitBreaker = z
  .object({
    enabled: z.boolean().describe('Open the circuit of a failing subgraph (fail fast with SUBGRAPH_UNAVAILABLE) instead of waiting on it.'),
    windowMs: z.number().int().min(100).max(600_000).describe('Error and timeout rate measured over this rolling window.'),
    minimumRequests: z.number().int().min(1).describe('Fewest fetches in the window before the rate counts.'),
    errorRatePercent: z.number().min(1).max(100).describe('Open at or above this failure rate (percent).'),
    openMs: z.number().int().min(100).max(600_000).describe('How long an open circuit fails fast before letting probes through.'),
    halfOpenProbes: z.number().int().min(1).max(100).describe('Probes let through half-open; all must succeed to close.'),
  })
  .strict()
  .describe('The circuit breaker per subgraph (docs/traffic.md "Circuit breaker").');

/** One subgraph's transport and resilience settings, complete (SUBGRAPH_DEFAULTS, then `all`, then its own name). */
const subgraphTransport = z
  .object({
    timeoutMs: z.number().int().positive().max(600_000).describe('Longest wait for a subgraph\'s answer headers, and for each gap in its body; beyond it the socket is closed and the fetch yields GATEWAY_TIMEOUT at the affected paths.'),
    maxResponseBytes: z.number().int().positive().describe('Largest subgraph answer read: a larger one is cut off (SUBGRAPH_RESPONSE_TOO_LARGE).'),
    maxConnections: z.number().int().positive().max(4096).describe('Keep-alive connections per subgraph.'),
    retries,
    circuitBreaker,
    dedup: z.boolean().describe('Identical query fetches in flight at once (same operation, variables and identity) share one subgraph request.'),
    subscriptions: z
      .object({
        url: z
          .string()
          .url()
          .refine((u) => /^wss?:\/\//.test(u), 'must be a ws:// or wss:// URL')
          .optional()
          .describe('graphql-ws endpoint; default: the routing URL with http→ws, https→wss.'),
        protocol: z.enum(['ws']).describe('`ws`: graphql-ws (graphql-transport-ws). An HTTP-callback mode is reserved for later.'),
      })
      .strict()
      .describe('Subscriptions to this subgraph (docs/subscriptions.md).'),
  })
  .strict();
/** As written under `subgraphs.<name>`: any key, nested ones key by key (merged over `all` in loadConfig). */
const subgraphTransportOverride = subgraphTransport.extend({ retries: retries.partial(), circuitBreaker: circuitBreaker.partial(), subscriptions: subgraphTransport.shape.subscriptions.partial() }).partial();

const mode = z.enum(['enforce', 'measure']);
/** A limit is a number (mode from `limits.mode`) or `{ max, mode }`. */
const limit = (fallback: number, description: string) =>
  z.union([z.number().int().positive(), z.object({ max: z.number().int().positive(), mode: mode.optional() }).strict()]).default(fallback).describe(description);

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
/** What each limit counts, and the code an operation over it is refused with. */
const LIMIT_DESCRIPTIONS: Record<keyof typeof LIMIT_DEFAULTS, string> = {
  maxTokens: 'Parser tokens in the operation (checked before parsing) → MAX_TOKENS_LIMIT.',
  maxDepth: 'Depth of nested fields → MAX_DEPTH_LIMIT (and always: nothing nested deeper than 1000 reaches the parser).',
  maxHeight: 'Distinct field names → MAX_HEIGHT_LIMIT.',
  maxAliases: 'Aliases → MAX_ALIASES_LIMIT.',
  maxRootFields: 'Root fields → MAX_ROOT_FIELDS_LIMIT.',
  maxDirectives: 'Directive applications → MAX_DIRECTIVES_LIMIT.',
  maxSelections: 'Field selections once fragments are expanded ("billion laughs") → MAX_SELECTIONS_LIMIT.',
  maxIntrospectionDepth: 'Depth of introspection fields → MAX_INTROSPECTION_DEPTH_LIMIT.',
};
const limitFields = Object.fromEntries(Object.entries(LIMIT_DEFAULTS).map(([name, max]) => [name, limit(max, LIMIT_DESCRIPTIONS[name as keyof typeof LIMIT_DEFAULTS])])) as { [N in keyof typeof LIMIT_DEFAULTS]: ReturnType<typeof limit> };

/** A secret given inline (`value`) or as the environment variable holding it (`valueFromEnv`); see resolveSecret. */
const secretFields = (minLength: number) => ({
  value: z.string().min(minLength).optional().describe(`The secret itself (at least ${minLength} characters).`),
  valueFromEnv: z.string().min(1).optional().describe('The name of the environment variable holding the secret.'),
});
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
  redact: z.boolean().optional().describe('Messages become "Subgraph errors redacted" (except `passCodes`); extensions keep only `code`, `serviceName` and `allowExtensions`. Default: on in production.'),
  allowExtensions: z.array(extensionKey).describe('Extension keys kept when redacting, besides `code` and `serviceName` (always kept).'),
  passCodes: z.array(z.string().min(1)).describe('Codes whose message is kept when redacting (their extensions are still filtered).'),
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
 * Cross-origin reads from browsers (docs/http.md "CORS"), in Apollo Router's shape. Attack stopped: a page on any
 * other site reading Junction's answers (with its visitor's cookies when credentials are allowed); only the
 * listed origins may. `allowAny` with `allowCredentials` is refused: browsers ignore credentials with `*`, and
 * the usual workaround, reflecting every origin, would let any site read answers with its visitors' cookies.
 */
const corsSettings = (defaults: { origins: string[]; methods: string[] }) =>
  z
    .object({
      origins: z.array(origin).default(defaults.origins).describe('Allowed origins, compared exactly (`https://app.example.com`).'),
      matchOrigins: z.array(regex).default([]).describe('Allowed origins by regular expression, matched against the whole origin (as if within ^…$).'),
      allowAny: z.boolean().default(false).describe('Every origin (`Access-Control-Allow-Origin: *`); then origins and matchOrigins are not consulted.'),
      allowCredentials: z.boolean().default(false).describe('`Access-Control-Allow-Credentials: true`: cookies and HTTP authentication on cross-origin requests.'),
      allowHeaders: z.array(headerName).default([]).describe('Request headers a page may send; empty: whatever the preflight\'s Access-Control-Request-Headers asks.'),
      exposeHeaders: z.array(headerName).default(['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'Retry-After', 'x-request-id']).describe('Response headers a page may read besides the safelisted ones (the rate-limit headers of traffic/rateLimitHeaders.ts, Retry-After, x-request-id).'),
      methods: z.array(token('method')).min(1).default(defaults.methods).describe('Methods a page may use (Access-Control-Allow-Methods).'),
      maxAgeSec: z.number().int().min(0).max(86_400).default(600).describe('How long a browser may reuse a preflight answer (Access-Control-Max-Age; Chromium caps it at 7200).'),
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
        host: z.string().min(1).default('0.0.0.0').describe('Address to listen on (env HOST, `--host`).'),
        port: z.number().int().min(0).max(65535).default(4000).describe('Port to listen on; 0 picks a free one (env PORT, `--port`).'),
        maxBodyBytes: z.number().int().positive().default(1024 * 1024).describe('Largest accepted request body (413 PAYLOAD_TOO_LARGE beyond).'),
        shutdownGraceMs: z.number().int().min(0).default(10_000).describe('On SIGTERM, how long in-flight requests may take before the process exits anyway.'),
        requestTimeoutMs: z.number().int().positive().default(60_000).describe('Whole-request deadline enforced by Node\'s HTTP server (slow clients).'),
        headersTimeoutMs: z.number().int().positive().default(20_000).describe('Time a client has to send all request headers (slow-loris).'),
        keepAliveTimeoutMs: z.number().int().positive().default(5_000).describe('Idle keep-alive connections are closed after this long.'),
        maxHeaderBytes: z.number().int().min(1024).max(1024 * 1024).default(16 * 1024).describe('Largest request head (request line + headers); beyond it: 431.'),
        maxHeaders: z.number().int().min(1).max(1000).default(100).describe('Header floods (many small headers, each one parsed, copied and walked): more request headers than this → 431 REQUEST_HEADER_FIELDS_TOO_LARGE. Apollo Router\'s default.'),
        bodyIdleTimeoutMs: z.number().int().positive().max(600_000).default(10_000).describe('Slow bodies (a byte now and then holds a socket until requestTimeoutMs): no byte of the body for this long → 408 REQUEST_TIMEOUT and the connection is closed.'),
        tls: z.object({ certFile: z.string().min(1).describe('PEM certificate (chain) file.'), keyFile: z.string().min(1).describe('PEM private key file.') }).strict().optional().describe('HTTPS: PEM certificate (chain) and key files.'),
        workers: z.union([z.number().int().min(1).max(256), z.literal('auto')]).default(1).describe('Worker processes sharing the port (node:cluster); `auto` = one per core. `junction serve --workers` wins.'),
        heapGrowthPercent: z
          .number()
          .int()
          .min(0)
          .max(1000)
          .default(100)
          .describe('Garbage headroom of the V8 heap: a full GC runs once the old generation has grown this many percent past what survived the last one (V8\'s `--heap-growing-percent`). 100 keeps peak memory below stock Apollo Gateway\'s for a few percent of CPU; 0 leaves V8\'s adaptive growth (up to 4×: least CPU, most memory). `node --heap-growing-percent=N` on the command line wins (node refuses the flag in NODE_OPTIONS). docs/performance.md "Memory".'),
      })
      .strict()
      .describe('The HTTP listener and process: address, request bounds (size, headers, slow clients), TLS, worker processes, heap headroom.')
      .default({}),
    graphql: z
      .object({
        landingPage: z.boolean().optional().describe('Apollo Sandbox landing page on GET /graphql from a browser. Default: on outside production.'),
        introspection: z.boolean().optional().describe('Schema introspection. Default: on outside production.'),
        suggestions: z.boolean().optional().describe('"Did you mean …" suggestions in errors. Default: only when NODE_ENV=development.'),
      })
      .strict()
      .describe('Apollo Server features that depend on the environment: landing page, introspection, suggestions.')
      .default({}),
    cors: corsSettings({ origins: ['https://studio.apollographql.com'], methods: ['GET', 'POST', 'OPTIONS'] }).default({}).describe('CORS on /graphql (docs/http.md "CORS"): by default only Apollo Sandbox (https://studio.apollographql.com), no credentials.'),
    queryPlan: z
      .object({
        expose: z.boolean().optional().describe('Answer Apollo-Query-Plan-Experimental / Apollo-Expose-Query-Plan. Default: on outside production.'),
        cacheMaxEntries: z.number().int().positive().default(2000).describe('Plans kept in memory per supergraph (least recently used evicted).'),
        overrideLabels: z.record(z.boolean()).default({}).describe('Progressive-override labels (other than percent(N)) to treat as active.'),
        shared: z.boolean().default(false).describe('Also keep plans in the store (Redis): a new replica, or one after a restart, starts warm.'),
        planner: z.enum(['apollo', 'rust']).default('rust').describe('Who plans operations: `apollo` (@apollo/query-planner) or `rust` (Hive Router\'s planner, @graphql-hive/router-query-planner). docs/query-planning.md gives the evidence for the default.'),
        overrideStickiness: z
          .enum(['client', 'request'])
          .default('client')
          .describe('How `@override(label: "percent(N)")` decides: `client` — by a hash of the client key (the rate-limit rules: token subject, API-key header, address), so one client always sees the same side; `request` — a fresh roll per request (Apollo Router\'s behaviour).'),
      })
      .strict()
      .describe('Query planning: the planner, plan exposure, the plan cache, progressive override (docs/query-planning.md).')
      .default({}),
    limits: z
      .object({
        mode: mode.default('enforce').describe('`enforce` rejects an operation over a limit (400, before any subgraph is called); `measure` only logs.'),
        ...limitFields,
        variables: z
          .object({
            maxDepth: z.number().int().min(1).max(1000).default(64).describe('Deepest nesting of lists and objects in a variable\'s value (`[[1]]` is 2) → 400 VARIABLES_TOO_DEEP.'),
            maxValues: z.number().int().positive().default(10_000).describe('Most values in all variables (each scalar, list and object counts one) → 400 VARIABLES_TOO_LARGE.'),
          })
          .strict()
          .default({})
          .describe('Stack exhaustion and CPU amplification through variables: checked on the parsed body before any other work, always enforced (`mode` does not apply). A nesting of 64 is far beyond real input types and far below what any recursive walk downstream (coercion, serialization to subgraphs) can take.'),
        batching: z
          .object({
            enabled: z.boolean().default(false).describe('Array bodies (several operations in one request); each operation is checked on its own.'),
            maxSize: z.number().int().positive().max(1000).default(10).describe('Most operations in one batch (BATCH_LIMIT_EXCEEDED beyond).'),
          })
          .strict()
          .describe('Batched requests (a JSON array of operations).')
          .default({}),
      })
      .strict()
      .describe('Request limits (docs/security.md "Request limits"): each refuses an operation over its maximum before any subgraph is called.')
      .default({}),
    cost: z
      .object({
        mode: z.enum(['enforce', 'measure', 'off']).default('enforce').describe('Static @cost/@listSize demand control: `enforce`, `measure` (log only) or `off`.'),
        max: z.number().int().positive().default(50_000).describe('Largest estimated cost accepted (COST_ESTIMATED_TOO_EXPENSIVE above it).'),
        defaultListSize: z.number().int().positive().default(10).describe('Size assumed for a list without a slicing argument or @listSize(assumedSize).'),
        expose: z.boolean().optional().describe('Answer `extensions.cost` ({ estimated, actual, max }) when the request has `Junction-Expose-Cost: true`.'),
      })
      .strict()
      .describe('Demand control (docs/security.md "Demand control"): the estimated cost of an operation from @cost/@listSize.')
      .default({}),
    auth: z
      .object({
        header: z.string().min(1).default('authorization').describe('Where the token is read: header (with prefix), else this cookie. The header name is case-insensitive.'),
        prefix: z.string().default('Bearer ').describe('The scheme before the token, matched case-insensitively; \'\' = the header is the raw token.'),
        cookie: z.string().min(1).optional().describe('Cookie the token is read from when the header is absent (never on /admin/…).'),
        require: z.boolean().default(false).describe('A request without a token is refused (401) instead of anonymous.'),
        issuer: z.union([z.string(), z.array(z.string())]).optional().describe('Accepted `iss` claim(s); absent: any.'),
        audience: z.union([z.string(), z.array(z.string())]).optional().describe('Accepted `aud` claim(s); absent: any.'),
        algorithms: z.array(z.enum(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'HS256', 'HS384', 'HS512'])).min(1).default(['RS256', 'ES256', 'EdDSA']).describe('Allowlist: a token signed with any other algorithm (or `none`) is refused.'),
        clockToleranceSec: z.number().int().min(0).max(300).default(30).describe('Skew allowed on exp/nbf.'),
        maxTokenBytes: z.number().int().positive().default(8192).describe('A larger token is refused before any parsing.'),
        jwks: z
          .object({
            url: z.string().url().describe('The JWKS URL (e.g. https://issuer.example.com/.well-known/jwks.json).'),
            cooldownMs: z.number().int().positive().default(30_000).describe('Least time between two refetches for an unknown kid.'),
            timeoutMs: z.number().int().positive().default(5_000).describe('Deadline of one JWKS fetch.'),
          })
          .strict()
          .optional()
          .describe('Remote JWKS, cached; an unknown kid refetches it at most once per cooldownMs.'),
        keys: z.array(z.union([z.object({ jwk: z.record(z.unknown()) }).strict(), z.object({ pem: z.string().min(1), alg: z.string().min(1) }).strict()])).default([]).describe('Public keys, each `{ jwk }` or `{ pem, alg }`.'),
        secrets: z.array(z.object({ secret: z.string().min(32, 'HMAC secrets must be at least 32 characters').describe('The shared secret.') }).strict()).default([]).describe('HMAC secrets (at least 32 characters), honoured only for the HS algorithms in the allowlist.'),
        devKey: z.boolean().optional().describe('Accept tokens from `junction token` (the development key in .junction/). Never honoured in production.'),
      })
      .strict()
      .describe('JWT verification (docs/security.md "Authentication"); with no key source (jwks, keys, secrets, dev key) every request is anonymous.')
      .default({}),
    subgraphErrors: z
      .object({
        all: z
          .object({ ...subgraphErrorRule, allowExtensions: subgraphErrorRule.allowExtensions.default([]), passCodes: subgraphErrorRule.passCodes.default([...CLIENT_ERROR_CODES]) })
          .strict()
          .describe('Rules for every subgraph.')
          .default({}),
        subgraphs: z.record(z.object({ ...subgraphErrorRule, allowExtensions: subgraphErrorRule.allowExtensions.optional(), passCodes: subgraphErrorRule.passCodes.optional() }).strict()).default({}).describe('Per subgraph name: any of the keys of `all`, each overriding it for that subgraph.'),
      })
      .strict()
      .default({})
      .describe('Information disclosure: a subgraph\'s error message and extensions (connection strings, hosts, stack dumps) reach clients. `all` applies to every subgraph; a subgraph\'s own entry overrides single keys.'),
    headers: z
      .object({
        all: z.array(headerRule).default([]).describe('Rules for every subgraph fetch, in order: `propagate` (copy a client header, `named` or `matching`, optional `rename`, `default`), `insert` (`name` with a `value` or `fromClaim`), `remove` (`named` or `matching`).'),
        subgraphs: z.record(z.array(headerRule)).default({}).describe('Rules for one subgraph, applied after `all`.'),
      })
      .strict()
      .default({})
      .describe('Header propagation to subgraphs: `all` first, then the subgraph\'s own rules, in order.'),
    authorization: z
      .object({
        mode: z.enum(['filter', 'reject']).default('filter').describe('`filter`: unauthorized fields are removed (null + UNAUTHORIZED_FIELD_OR_TYPE); `reject`: the operation is refused (403).'),
        policies: z
          .object({
            module: z.string().min(1).optional().describe('A module exporting `evaluatePolicy(name, principal) => boolean | Promise<boolean>`, resolved from the working directory.'),
            claimMatch: z.boolean().default(true).describe('Built-in rule: a policy named `claim:value` holds when the claim equals (or, for a list, contains) value.'),
          })
          .strict()
          .describe('How @policy names are evaluated.')
          .default({}),
      })
      .strict()
      .describe('What @authenticated, @requiresScopes and @policy do to a caller without the right (docs/security.md "Authorization").')
      .default({}),
    identity: z
      .object({
        forwardClaims: z.boolean().default(true).describe('Forward the principal\'s claims as `extensions.jwt.payload` in every subgraph request.'),
        subgraphToken: z
          .object({
            header: z.string().min(1).default('x-junction-identity').describe('The header carrying the gateway-signed identity token to subgraphs.'),
            ttlSec: z.number().int().min(10).max(3600).default(60).describe('Lifetime of an identity token (renewed at 80% of it).'),
            secret: z.string().min(32).optional().describe('HS256 secret shared with the subgraphs (≥ 32 bytes). Else env JUNCTION_IDENTITY_SECRET, else outside production a generated .junction/identity-secret; with none, no identity is sent.'),
          })
          .strict()
          .describe('The gateway-signed identity token (HS256, audience = the subgraph name) sent with every subgraph fetch of a caller.')
          .default({}),
      })
      .strict()
      .describe('What subgraphs learn about the caller (docs/security.md "Identity to subgraphs").')
      .default({}),
    execution: z
      .object({
        executor: z.enum(['junction', 'apollo']).default('junction').describe('`junction`: Junction\'s executor and compiled result shaper; `apollo`: @apollo/gateway\'s executeQueryPlan for every plan.'),
      })
      .strict()
      .describe('Which executor runs query plans.')
      .default({}),
    store: z
      .object({
        backend: z.enum(['memory', 'redis']).optional().describe('`memory` (per process) or `redis` (shared by every replica). Default: `redis` when REDIS_URL is set, else `memory`.'),
        keyPrefix: z.string().default('junction:').describe('Prepended to every key, so several gateways (or environments) can share one Redis.'),
        memory: z
          .object({
            maxBytes: z.number().int().positive().default(64 * 1024 * 1024).describe('Most bytes (keys + values) kept in memory; least recently used entries are evicted beyond.'),
          })
          .strict()
          .describe('The in-memory store (per process).')
          .default({}),
        redis: z
          .object({
            url: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').optional().describe('redis:// or rediss:// URL. REDIS_URL wins over it.'),
            cluster: z.array(z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')).default([]).describe('Redis Cluster: seed node URLs (then `url` is ignored).'),
            commandTimeoutMs: z.number().int().positive().max(60_000).default(250).describe('A command slower than this counts as a miss (or a failed write).'),
            connectTimeoutMs: z.number().int().positive().max(60_000).default(2_000).describe('A connection attempt slower than this fails (and is retried with backoff).'),
            maxRetriesPerRequest: z.number().int().min(0).max(10).default(1).describe('Retries of one command while reconnecting (the connection itself is retried for ever, with backoff).'),
          })
          .strict()
          .describe('The Redis store (shared by replicas).')
          .default({}),
      })
      .strict()
      .default({})
      .describe('Where APQ registrations, the caches, shared query plans and rate-limit counters live (src/store); the registry\'s Redis backend connects with these settings too.'),
    persistedQueries: z
      .object({
        apq: z
          .object({
            enabled: z.boolean().default(true).describe('Answer `extensions.persistedQuery` hashes from the store (PERSISTED_QUERY_NOT_SUPPORTED when off).'),
            ttlSec: z.number().int().positive().default(86_400).describe('How long a registered query is kept.'),
          })
          .strict()
          .describe('Automatic persisted queries (Apollo\'s protocol): clients send a sha256 hash instead of the query once it is registered.')
          .default({}),
        mode: z.enum(['off', 'log_unknown', 'safelist', 'require_id']).default('off').describe('`off`, `log_unknown` (serve, log and count operations not in a manifest), `safelist` (only listed ids or bodies), `require_id` (only listed ids).'),
        manifests: z
          .array(
            z
              .object({
                path: z.string().min(1).optional().describe('A manifest file (relative to the working directory).'),
                url: z.string().url().optional().describe('A manifest URL (re-fetched every pollIntervalMs with If-None-Match).'),
                clientName: z.string().min(1).optional().describe('Every operation of this manifest belongs to this client (overrides the entries\' clientName).'),
              })
              .strict()
              .refine((m) => (m.path === undefined) !== (m.url === undefined), 'a manifest needs exactly one of path, url'),
          )
          .default([])
          .describe('Apollo persisted-query manifests, read at start and re-read when they change.'),
        pollIntervalMs: z.number().int().min(1000).default(30_000).describe('How often manifest URLs are re-fetched (files are watched every 500 ms).'),
        scopeByClientName: z.boolean().default(false).describe('An id listed for a client (clientName) is accepted only from that client (`apollographql-client-name` header).'),
        bypass: z
          .object({
            scopes: z.array(z.string().min(1)).default([]).describe('Token scopes that skip the safelist.'),
            header: z
              /** The header, and the shared secret or the environment variable holding it. */
              .object({ name: headerName.describe('The header name.'), ...secretFields(16) })
              .strict()
              .refine(...oneSecretSource('bypass.header'))
              .describe('A header whose secret value skips the safelist (compared in constant time).')
              .optional(),
          })
          .strict()
          .default({})
          .describe('Callers that skip the safelist (internal tools): any of these scopes, or this header with this value.'),
        prewarm: z.boolean().default(true).describe('Plan every manifest operation at start and after each supergraph or manifest change.'),
      })
      .strict()
      .default({})
      .describe('Automatic persisted queries and trusted documents (persisted-operation manifests).'),
    cache: z
      .object({
        response: z
          .object({
            enabled: z.boolean().default(false).describe('Cache whole query responses by operation, variables, vary headers and (for PRIVATE data) principal.'),
            maxTtlSec: z.number().int().positive().default(3600).describe('Longest time a response is kept, whatever the subgraphs allow.'),
            varyHeaders: z.array(headerName).default([]).describe('Request headers whose values are part of the key (headers propagated to subgraphs always are).'),
          })
          .strict()
          .describe('The response cache (docs/caching.md "Response cache").')
          .default({}),
        entities: z
          .object({
            enabled: z.boolean().default(false).describe('Cache subgraph root-field and `_entities` results per entity representation.'),
            maxTtlSec: z.number().int().positive().default(3600).describe('Longest time an entity or root-field result is kept, whatever the subgraphs allow.'),
            subgraphs: z
              .record(z.object({ enabled: z.boolean().optional().describe('Overrides `cache.entities.enabled` for this subgraph.'), maxTtlSec: z.number().int().positive().optional().describe('A TTL cap for this subgraph (under the global one).') }).strict())
              .default({}).describe('Per subgraph: on/off and a TTL cap (over the global ones).'),
          })
          .strict()
          .describe('The entity cache (docs/caching.md "Entity cache").')
          .default({}),
        invalidateOnMutation: z.boolean().default(true).describe('A mutation whose result holds entities (with their keys) invalidates them.'),
        tagHeader: headerName.default('cache-tag').describe('Subgraph response header listing cache tags (comma or space separated) for tag invalidation.'),
      })
      .strict()
      .default({})
      .describe('Response cache, entity cache and their invalidation (docs/caching.md). Off unless enabled.'),
    admin: z
      .object({
        cors: corsSettings({ origins: [], methods: ['GET', 'POST', 'DELETE', 'OPTIONS'] }).optional().describe('CORS on /admin/… (same keys as `cors`; no origin by default, DELETE allowed too); absent: the admin API is same-origin only.'),
        scopes: z.array(z.string().min(1)).default(['junction:admin']).describe('A verified token carrying one of these scopes may call /admin/….'),
        token: z
          .object(secretFields(32))
          .strict()
          .refine(...oneSecretSource('admin.token'))
          .describe('A static admin token (≥ 32 characters), given as `value` or `valueFromEnv`; env JUNCTION_ADMIN_TOKEN also sets it. Without a token or scopes configured, /admin/… answers 404.')
          .optional(),
      })
      .strict()
      .default({})
      .describe('The admin API (POST /admin/cache/invalidate): callers with one of these scopes, or this bearer token.'),
    registry: z
      .object({
        enabled: z.boolean().default(false).describe('Serve the registry\'s current supergraph; supergraph.yaml only seeds an empty registry.'),
        backend: z.enum(['file', 'redis']).optional().describe('`file` (in dataDir) or `redis` (shared by replicas). Default: `redis` when the store is Redis, else `file`.'),
        dataDir: z.string().min(1).default('.junction/registry').describe('Where the file backend keeps registry.json (relative to the working directory).'),
        historyLimit: z.number().int().min(2).max(1000).default(50).describe('Supergraph versions kept for history and rollback.'),
        pollIntervalMs: z.number().int().min(100).max(60_000).default(1000).describe('How often replicas poll for a change they may have missed (pub/sub tells them at once).'),
        allowedUrls: z.array(regex).default([]).describe('SSRF: the gateway fetches whatever URL a publisher registers (cloud metadata at 169.254.169.254, admin ports). When set, a published URL must match one of these regular expressions as a whole (against the WHATWG-normalized URL), else 400 SUBGRAPH_URL_NOT_ALLOWED. Empty: any http(s) URL.'),
        canary: z
          .object({
            windowMs: z.number().int().min(100).max(86_400_000).default(300_000).describe('A stage lasts at least this long before the canary moves to the next share (or is promoted).'),
            minRequests: z.number().int().min(1).default(200).describe('Requests each variant must have served (operations both serve) in a stage before it is judged.'),
            ramp: z.array(z.number().gt(0).lt(100)).default([]).describe('Shares after the first, in percent, each after a window within thresholds; 100 (promotion) follows the last.'),
            maxErrorRateIncrease: z.number().min(0).max(1).default(0.01).describe('Rolled back when the canary\'s failure rate exceeds the stable one\'s by more than this (0.01 = one point).'),
            maxLatencyRatio: z.number().min(1).default(1.5).describe('Rolled back when the canary\'s p95 latency exceeds max(stable p95 × this, stable p95 + latencyToleranceMs).'),
            latencyToleranceMs: z.number().min(0).default(25).describe('Absolute slack for the latency comparison (fast operations jitter by more than any ratio).'),
            evaluateIntervalMs: z.number().int().min(50).max(60_000).default(5_000).describe('How often each replica adds its figures to the shared ones and the canary is judged.'),
          })
          .strict()
          .describe('Canary releases (`junction publish --canary`, docs/canary.md): how a candidate is judged and ramped.')
          .default({}),
      })
      .strict()
      .default({})
      .describe('The subgraph registry (docs/registry.md): teams publish subgraphs through the admin API.'),
    traffic: z
      .object({
        requestTimeoutMs: z.number().int().positive().max(600_000).default(30_000).describe('A client request\'s subgraph work ends after this long: fetches still running yield GATEWAY_TIMEOUT.'),
      })
      .strict()
      .default({})
      .describe('The deadline of a whole client request (docs/traffic.md "Timeouts").'),
    rateLimit: z
      .object({
        enabled: z.boolean().default(false).describe('Count requests and estimated cost against the budgets below; a spent budget answers 429 RATE_LIMITED.'),
        clientKey: z.array(z.union([z.literal('sub'), z.literal('ip'), z.string().regex(/^header:[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be sub, ip or header:<name>')])).min(1).default(['sub', 'ip']).describe('How a client is identified, first that applies: `sub` (the token\'s subject), `header:<name>` (an API key), `ip`.'),
        trustedProxies: z.array(z.string().ip()).default([]).describe('Proxies whose X-Forwarded-For is believed (IP addresses); the client IP is the last address they did not add.'),
        windowSec: z.number().int().min(1).max(86_400).default(60).describe('The fixed window every budget is counted over.'),
        perClient: z.object({ requests: z.number().int().min(0).default(600).describe('Operations per client and window (0 = no limit).'), cost: z.number().int().min(0).default(0).describe('Sum of estimated costs per client and window (0 = no limit; needs cost.mode enforce or measure).') }).strict().default({}).describe('Per client and window: requests, and the sum of estimated costs (0 = no limit).'),
        global: z.object({ requests: z.number().int().min(0).default(0).describe('Operations of all clients per window (0 = no limit).'), cost: z.number().int().min(0).default(0).describe('Sum of estimated costs of all clients per window (0 = no limit).') }).strict().default({}).describe('For all clients together.'),
      })
      .strict()
      .describe('Rate limits per client and in total (docs/traffic.md "Rate limiting"). Off unless enabled.')
      .default({}),
    subgraphs: z.record(subgraphTransportOverride).default({}).describe('`all` applies to every subgraph; a subgraph\'s own name overrides single settings.'),
    subscriptions: z
      .object({
        enabled: z.boolean().default(true).describe('Transports for subscriptions on /graphql; off: WebSocket upgrades are refused and subscriptions answer OPERATION_NOT_SUPPORTED.'),
        maxConnections: z.number().int().min(1).default(20_000).describe('Open subscription connections (WebSocket, SSE, multipart) per process; beyond: refused (4503 / 503).'),
        maxPerConnection: z.number().int().min(1).default(100).describe('Active subscriptions on one WebSocket connection; beyond: that subscribe gets SUBSCRIPTION_LIMIT.'),
        maxPerClient: z.number().int().min(1).default(500).describe('Active subscriptions per client (the rate-limit client key: principal, else IP) in this process.'),
        subscribeRatePerSec: z.number().int().min(1).default(50).describe('Subscribe messages per client per second (token bucket, burst = 2 s worth); beyond: RATE_LIMITED.'),
        connectionInitTimeoutMs: z.number().int().positive().default(10_000).describe('A WebSocket must send connection_init within this long (close 4408).'),
        maxMessageBytes: z.number().int().positive().default(256 * 1024).describe('Largest client WebSocket message (close 1009).'),
        keepAliveMs: z.number().int().positive().default(15_000).describe('Ping every this long; a client that has not answered the previous ping by then is disconnected.'),
        maxQueuedEvents: z.number().int().min(1).default(100).describe('Events waiting for one slow client (unsent bytes on the socket, or results not yet written): beyond, the client is disconnected with SUBSCRIPTION_SLOW_CONSUMER (close 4429 on a WebSocket).'),
        maxBufferedBytes: z.number().int().positive().default(4 * 1024 * 1024).describe('Unsent bytes on one client socket before it counts as a slow consumer.'),
        multipartHeartbeatMs: z.number().int().positive().default(5_000).describe('Heartbeat of multipart subscriptions (Apollo\'s protocol: an empty `{}` part).'),
      })
      .strict()
      .default({})
      .describe('Subscriptions (docs/subscriptions.md): WebSocket (graphql-ws), SSE and multipart on /graphql. Every bound here stops one client from holding memory or sockets the others need; each refusal has a code.'),
    supergraph: z
      .object({
        watch: z.boolean().default(true).describe('Re-compose when supergraph.yaml or a schema file it names changes.'),
      })
      .strict()
      .describe('The supergraph file given to `junction serve --supergraph`.')
      .default({}),
    logging: z
      .object({
        level: logLevel.default('info').describe('LOG_LEVEL wins.'),
        accessLog: z.boolean().default(true).describe('One `request` line (info) per HTTP request: id, operation, client, status, duration, cost, cache, subgraphs.'),
      })
      .strict()
      .describe('JSON logs on stdout (docs/observability.md "Logs").')
      .default({}),
    tracing: z
      .object({
        enabled: z.boolean().optional().describe('Default: on when OTEL_TRACES_EXPORTER=otlp or an OTLP endpoint variable is set.'),
        serviceName: z.string().min(1).optional().describe('`service.name` of the spans; OTEL_SERVICE_NAME wins; default `junction`.'),
      })
      .strict()
      .default({})
      .describe('OpenTelemetry traces over OTLP (docs/observability.md); exporter details come from the OTEL_* variables.'),
    metrics: z
      .object({
        enabled: z.boolean().default(true).describe('Serve GET /metrics (Prometheus text format); false: 404.'),
        path: z.string().regex(/^\/[A-Za-z0-9._~\/-]*$/, 'must be a URL path such as /metrics').default('/metrics').describe('The metrics path.'),
        port: z.number().int().min(0).max(65535).optional().describe('Serve the metrics on a listener of their own, on this port (default 9090) and host (default 127.0.0.1), instead of the GraphQL port. Default: in production without a token, 127.0.0.1:9090.'),
        host: z.string().min(1).optional().describe('Address of the metrics\' own listener (default 127.0.0.1); setting it gives the metrics a listener of their own.'),
        token: z
          .object(secretFields(16))
          .strict()
          .refine(...oneSecretSource('metrics.token'))
          .optional()
          .describe('Scrapers must send `Authorization: Bearer <token>` (at least 16 characters).'),
      })
      .strict()
      .default({})
      .describe('Prometheus metrics (docs/observability.md).'),
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
