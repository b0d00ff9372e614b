import { z } from 'zod';

/**
 * `gateway.yaml`: every key Junction reads, with its default. Defaults live here and nowhere else.
 * Keys that depend on NODE_ENV default to `undefined` here and are resolved in `resolveConfig`.
 */
const subgraphTransport = z
  .object({
    /** Abort a subgraph fetch after this long (GATEWAY_TIMEOUT at the affected paths). */
    timeoutMs: z.number().int().positive().max(600_000),
    /** Largest subgraph answer read (SUBGRAPH_RESPONSE_TOO_LARGE beyond). */
    maxResponseBytes: z.number().int().positive(),
    /** Keep-alive connections per subgraph. */
    maxConnections: z.number().int().positive().max(4096),
  })
  .strict();

export const SUBGRAPH_DEFAULTS = { timeoutMs: 30_000, maxResponseBytes: 32 * 1024 * 1024, maxConnections: 128 } as const;

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
      })
      .strict()
      .default({}),
    queryPlan: z
      .object({
        /** Answer Apollo-Query-Plan-Experimental / Apollo-Expose-Query-Plan. Default: on outside production. */
        expose: z.boolean().optional(),
        /** Plans kept in memory per supergraph (least recently used evicted). */
        cacheMaxEntries: z.number().int().positive().default(2000),
        /** Progressive-override labels (other than percent(N)) to treat as active. */
        overrideLabels: z.record(z.boolean()).default({}),
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
    /** `all` applies to every subgraph; a subgraph's own name overrides single settings. */
    subgraphs: z.record(subgraphTransport.partial()).default({}),
    supergraph: z
      .object({
        /** Re-compose when supergraph.yaml or a schema file it names changes. */
        watch: z.boolean().default(true),
      })
      .strict()
      .default({}),
    logging: z
      .object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') })
      .strict()
      .default({}),
  })
  .strict();

export type RawConfig = z.infer<typeof configSchema>;
