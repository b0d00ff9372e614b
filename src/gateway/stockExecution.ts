// Deep imports: the package root also loads ApolloGateway's HTTP stack and managers, which Junction never uses.
import type { GraphQLDataSource } from '@apollo/gateway/dist/datasources/types';
import { executeQueryPlan } from '@apollo/gateway/dist/executeQueryPlan';
import { buildOperationContext } from '@apollo/gateway/dist/operationContext';
import { Kind, visit, type DocumentNode } from 'graphql';
import { UNCACHEABLE } from '../cache';
import type { TraceSpan } from '../observability/tracing';
import { fetchRecord, type FetchRecord, type PreparedOperation } from './execution';
import type { AuthorizedOperation } from './operationAuthorization';
import type { SubgraphRequests } from './subgraphRequests';
import type { SupergraphState } from './supergraphState';

export type ExecutorContext = Parameters<typeof executeQueryPlan>[2];
export type ExecutionResult = Awaited<ReturnType<typeof executeQueryPlan>>;

/**
 * A plan on @apollo/gateway's executor (`execution.executor: apollo`, and what Junction's leaves out:
 * @defer, @fromContext, introspection mixed into a federated operation), over Junction's subgraph clients.
 * A restricted caller: stock shapes from the filtered operation (what authorization removed is never
 * written), with every object's __typename, and the guarded shaper then writes the client's shape (null
 * where removed).
 */
export async function executeOnStock(
  state: SupergraphState,
  rc: ExecutorContext,
  prepared: PreparedOperation,
  authorized: AuthorizedOperation | undefined,
  identity: SubgraphRequests | undefined,
  trace: TraceSpan | undefined,
  /** While a canary release runs: each fetch's outcome and time (as Junction's executor records them). */
  fetches?: FetchRecord[],
): Promise<ExecutionResult> {
  const operationContext = buildOperationContext({
    schema: state.schema,
    operationDocument: authorized ? (prepared.guarded ? withTypenames(authorized.document) : authorized.document) : rc.document,
    operationName: authorized ? undefined : (rc.request.operationName ?? undefined),
  });
  const result = await executeQueryPlan(prepared.plan, serviceMap(state, identity, rc.overallCachePolicy, trace, fetches), rc, operationContext, state.supergraphSchema, state.apiSchema);
  if (authorized && prepared.guarded && result.data) result.data = prepared.guarded(result.data, rc.request.variables ?? {}).data;
  return result;
}

function serviceMap(
  state: SupergraphState,
  identity: SubgraphRequests | undefined,
  policy: ExecutorContext['overallCachePolicy'],
  trace?: TraceSpan,
  fetches?: FetchRecord[],
): Record<string, GraphQLDataSource> {
  const map: Record<string, GraphQLDataSource> = Object.create(null);
  const extensions = identity?.claims ? { jwt: { payload: identity.claims } } : undefined;
  for (const [name, client] of state.clients) {
    map[name] = {
      process: async ({ request }) => {
        const started = fetches ? performance.now() : 0;
        const response = await client.fetch(
          { query: request.query ?? '', operationName: request.operationName, variables: request.variables, ...(extensions ? { extensions } : {}) },
          identity?.headers.get(name),
          trace,
        );
        fetches?.push(fetchRecord(name, response, started));
        // As @apollo/gateway's RemoteGraphQLDataSource (honorSubgraphCacheControlHeader) does.
        policy?.restrict(response.cacheHint ?? UNCACHEABLE);
        return response as Awaited<ReturnType<GraphQLDataSource['process']>>;
      },
    };
  }
  return map;
}

/** The document with `__typename` selected in every selection set (so a shaper can tell each object's type). */
function withTypenames(document: DocumentNode): DocumentNode {
  return visit(document, {
    SelectionSet: {
      leave(set) {
        if (set.selections.some((s) => s.kind === Kind.FIELD && !s.alias && s.name.value === '__typename')) return undefined;
        return { ...set, selections: [...set.selections, { kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } }] };
      },
    },
  });
}
