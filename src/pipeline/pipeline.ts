import { HeaderMap, type ApolloServer } from '@apollo/server';
import type { GraphQLError } from 'graphql';
import { withStoredAnswer, type StoredAnswerSlot } from '../cache';
import type { PersistedOperations } from '../operations';
import type { RequestFacts, TraceSpan } from '../observability';
import type { VariableBounds } from '../security';
import type { RateLimiter } from '../traffic';
import type { OperationRequest, Refusal, ResponseHeaders, Stage } from './operationRequest';
import { STREAMING_TRANSPORTS, type OperationStream, type Transport } from './operationStream';
import type { RequestContext } from './requestContext';
import { authenticateStage, type Authenticator } from './stages/authenticate';
import { batchingStage } from './stages/batching';
import { boundVariablesStage } from './stages/boundVariables';
import { preflightLimitsStage } from './stages/preflightLimits';
import { rateLimitRequestsStage } from './stages/rateLimitRequests';
import { identifyClientStage } from './stages/identifyClient';
import type { ClientFacts } from '../traffic';
import type { Variant } from '../canary/assignment';
import { resolveOperationsStage } from './stages/resolveOperations';

export interface PipelineOptions {
  batching: { enabled: boolean; maxSize: number };
  variables: VariableBounds;
  authenticator: Authenticator | undefined;
  /** Who a client is (`rateLimit.clientKey`, `rateLimit.trustedProxies`). */
  clientKeyOf: (facts: ClientFacts) => string;
  /** Which supergraph serves a client (a canary release's share, else the stable one). */
  variantOf: (clientKey: string) => Variant;
  rateLimiter: RateLimiter | undefined;
  /** Counted when a request-count budget refuses (metrics). */
  rateLimited: () => void;
  operations: PersistedOperations;
  /** The request limits' check of an operation text (security/requestLimitsPlugin.ts). */
  preflight: (source: string, operationName: string | undefined) => GraphQLError | undefined;
}

export type EngineResponse = Awaited<ReturnType<ApolloServer<RequestContext>['executeHTTPGraphQLRequest']>>;

/**
 * The engines operations run on: Apollo Server over the stable supergraph, and while a canary release runs, a
 * second one over its candidate (its own schema, document and plan caches). The client's variant picks one.
 */
export interface Engines {
  readonly stable: ApolloServer<RequestContext>;
  readonly canary: ApolloServer<RequestContext> | undefined;
}

/**
 * What the pipeline answers: a refusal from a stage, or the engine's response; with the headers stages added.
 * An operation that yields many results (a subscription, on a streaming transport) also answers its `stream`:
 * the engine's response then only says it was accepted, and the transport delivers the stream's items.
 */
export type PipelineAnswer =
  | { refused: Refusal; headers: ResponseHeaders }
  | { refused: undefined; response: EngineResponse; headers: ResponseHeaders; stream?: OperationStream | undefined };

/** Facts of the transport every operation's context starts from. */
export interface TransportFacts {
  requestFacts: RequestFacts | undefined;
  span: TraceSpan | undefined;
  /** How the operation arrived; 'http' when absent. Only streaming transports may start a subscription. */
  transport?: Transport | undefined;
  /** The client takes incremental delivery (multipart `deferSpec=20220824`): `@defer` parts come as a stream. */
  incremental?: boolean | undefined;
}

/**
 * THE ORDER OF THE REQUEST PATH. Every operation, however it arrives, runs these stages in this order, then
 * the engine. Cheap refusals come first, so an attack costs as little as possible: the request's shape
 * (batching, variables) before a token is verified; the caller's identity before a budget keyed by it is
 * spent; the budget before any operation is resolved or parsed; operation resolution before the limits, so
 * the limits see every resolved text (an APQ hash or manifest id included).
 *
 *   transport     read body / message: size, idle timeout, charset, JSON (server/graphqlRoute.ts for HTTP)
 *   1 batching         stages/batching.ts
 *   2 boundVariables   stages/boundVariables.ts
 *   3 authenticate     stages/authenticate.ts
 *   4 identifyClient   stages/identifyClient.ts (client key, and its variant while a canary release runs)
 *   5 rateLimitRequests stages/rateLimitRequests.ts
 *   6 resolveOperations stages/resolveOperations.ts
 *   7 preflightLimits  stages/preflightLimits.ts
 *   engine: the variant's Apollo Server (parse, validate) with its plugins in the order engine.ts (beside this file) lists and explains —
 *     subgraph error policy, metrics, limits (a cached-verdict lookup), tracing, cost (demand control), cost
 *     budgets, APQ registration, response-cache lookup — then the gateway (gateway/gateway.ts): variables
 *     coerced, authorize, plan, execute, shape; then the response-cache store and the access-log record.
 */
export function createPipeline(options: PipelineOptions): { stages: ReadonlyArray<readonly [string, Stage]>; run: typeof run; authenticate: typeof authenticate } {
  const authentication = options.authenticator ? authenticateStage(options.authenticator) : undefined;
  const stages: Array<readonly [string, Stage]> = [
    ['batching', batchingStage(options.batching)],
    ['boundVariables', boundVariablesStage(options.variables)],
    ...(authentication ? [['authenticate', authentication] as const] : []),
    ['identifyClient', identifyClientStage(options.clientKeyOf, options.variantOf)],
    ...(options.rateLimiter ? [['rateLimitRequests', rateLimitRequestsStage(options.rateLimiter, options.rateLimited)] as const] : []),
    ['resolveOperations', resolveOperationsStage(options.operations)],
    ['preflightLimits', preflightLimitsStage(options.preflight)],
  ];

  async function run(engines: Engines, request: OperationRequest, transport: TransportFacts): Promise<PipelineAnswer> {
    const context: RequestContext = { requestFacts: transport.requestFacts, span: transport.span, transport: transport.transport ?? 'http', incremental: transport.incremental, remoteAddress: request.remoteAddress };
    const headers: ResponseHeaders = [];
    for (const [, stage] of stages) {
      const pending = stage(request, context, headers);
      const refused = pending instanceof Promise ? await pending : pending;
      if (refused) return { refused, headers };
    }
    // A request planned on one variant finishes on it: the engine is chosen once, here.
    const engine = context.variant === 'canary' && engines.canary ? engines.canary : engines.stable;
    if (engine === engines.stable) context.variant = 'stable';
    // A cacheable answer comes back as bytes in the operation's slot (cache/storedAnswer.ts), sent instead of the
    // engine's body: a cache hit is never parsed or serialized. Only plain HTTP, one operation, may answer 304.
    const conditional = context.transport === 'http' && !Array.isArray(request.body);
    // One context per operation: a batch's operations run one by one (each with its own authorization, cache
    // tags and plan), not as Apollo Server's batch, whose operations would share one context.
    const execute = async (body: unknown) => {
      const storedAnswer: StoredAnswerSlot = { conditional };
      const response = await engine.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: request.method, headers: request.headers, search: request.search, body },
        context: async () => ({ ...context, storedAnswer }),
      });
      return withStoredAnswer(response, storedAnswer);
    };
    if (Array.isArray(request.body) && request.body.length > 0) return { refused: undefined, response: await runBatch(request.body, execute), headers };
    // A streaming transport's one operation may come back as a stream (a subscription the gateway accepted).
    const streamed = context.incremental || STREAMING_TRANSPORTS.has(context.transport ?? 'http') ? (context.streamed = { stream: undefined }) : undefined;
    const response = await execute(request.body);
    return { refused: undefined, response, headers, stream: streamed?.stream };
  }

  /**
   * The authenticate stage alone, for transports that check credentials once when a connection opens (a
   * WebSocket's connection_init) before any operation; each operation still runs every stage.
   */
  async function authenticate(request: OperationRequest, transport: Transport): Promise<Refusal | undefined> {
    if (!authentication) return undefined;
    return authentication(request, { requestFacts: undefined, span: undefined, transport }, []);
  }

  return { stages, run, authenticate };
}

/**
 * A batch as Apollo Server answers one (an array of the operations' answers, their headers merged, the status
 * of the last operation that set one), each operation run on its own.
 */
async function runBatch(operations: readonly unknown[], execute: (body: unknown) => Promise<EngineResponse>): Promise<EngineResponse> {
  const results = await Promise.all(operations.map(execute));
  const headers = new HeaderMap();
  let status: number | undefined;
  const bodies: string[] = [];
  for (const result of results) {
    for (const [name, value] of result.headers) headers.set(name, value);
    if (result.status !== undefined && result.status !== 200) status = result.status;
    if (result.body.kind !== 'complete') throw new Error('Incremental delivery is not implemented for batch requests');
    bodies.push(result.body.string);
  }
  return { status, headers, body: { kind: 'complete', string: `[${bodies.join(',')}]` } };
}
