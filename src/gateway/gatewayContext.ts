import type { DocumentNode, GraphQLError } from 'graphql';
import type { Principal } from '../auth';
import type { RequestFacts } from '../observability/accessLog';
import type { TraceSpan } from '../observability/tracing';
import type { OperationStream, Transport } from '../pipeline/operationStream';
import type { FetchRecord } from './execution/executor';
import type { AuthorizedOperation } from './operationAuthorization';
import type { SubgraphRequests } from './subgraphRequests';
import type { SupergraphState } from './supergraphState';
import type { Variant } from '../canary/assignment';

/**
 * The gateway's part of a request's context (the pipeline's RequestContext includes it): what the transport
 * and earlier stages give the gateway, and what the gateway computes once per request and later stages (the
 * response cache, the access log) read. Memoized values remember the supergraph state they were made for.
 */
export interface GatewayContext {
  /** The authenticated caller (undefined: anonymous). */
  principal?: Principal | undefined;
  /** Tracing on: the request span, parent of authorize, plan and execute. */
  span?: TraceSpan | undefined;
  /** The authorization outcome of this request's operation, computed once (response cache key, then planning). */
  authorization?: { state: SupergraphState; document: DocumentNode; operationName: string | undefined; outcome: Promise<AuthorizedOperation | GraphQLError | undefined> } | undefined;
  /** What this request's subgraph requests carry, described once (response cache key, then every fetch). */
  subgraphRequests?: { state: SupergraphState; described: Promise<SubgraphRequests | undefined> } | undefined;
  /** Response cache on: the invalidation tags of this response; absent when it must not be cached. */
  responseTags?: Set<string> | undefined;
  /** The peer's address (per-client subscription bounds when no rate-limit client key is computed). */
  remoteAddress?: string | undefined;
  /** Who the client is (pipeline stage identifyClient: the `rateLimit.clientKey` rules): every per-client policy keys on it. */
  clientKey?: string | undefined;
  /** Which supergraph serves this client: `canary` while a canary release includes it (gateway.variantOf). */
  variant?: Variant | undefined;
  /** The access-log record of the request. */
  requestFacts?: RequestFacts | undefined;
  /** The client takes `@defer` parts as they come (multipart deferSpec=20220824); else it gets one whole answer. */
  incremental?: boolean | undefined;
  /** How the operation arrived (set by the pipeline from the transport). */
  transport?: Transport | undefined;
  /**
   * Where the gateway puts a subscription's stream of results when it accepts one (the transport delivers it).
   * A holder made by the pipeline: Apollo Server hands plugins and the executor a shallow copy of the context,
   * so only an object inside it comes back to the transport.
   */
  streamed?: { stream: OperationStream | undefined } | undefined;
  /** The subgraphs the plan fetches from (the access log). */
  plannedSubgraphs?: readonly string[] | undefined;
  /** While a canary release runs: the outcome and time of each subgraph fetch (the canary judge). */
  subgraphFetches?: FetchRecord[] | undefined;
}
