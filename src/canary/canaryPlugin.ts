import type { ApolloServerPlugin } from '@apollo/server';
import type { FetchRecord } from '../gateway/execution/executor';
import type { Variant } from './assignment';
import { failedAnswer } from './failures';

/** What the judge's figures are made of: one answered operation. */
export interface CanaryObservation {
  variant: Variant;
  /** The query's hash and operation name: operations are compared one by one. */
  operation: string;
  failed: boolean;
  ms: number;
  /** Its subgraph fetches (Junction's executor records them while a release runs). */
  fetches: readonly FetchRecord[] | undefined;
}

/**
 * Records every operation either engine answers while a canary release runs (`observe` says whether one
 * does, so without a release this costs one call per request). Refusals before the engine (401, 429, limits)
 * are the caller's, not the supergraph's, and are not recorded.
 */
export function canaryPlugin(options: { observing(): boolean; record(observation: CanaryObservation): void }): ApolloServerPlugin<{ variant?: Variant | undefined; subgraphFetches?: FetchRecord[] | undefined }> {
  return {
    async requestDidStart() {
      if (!options.observing()) return undefined;
      const started = performance.now();
      return {
        async willSendResponse(rc) {
          const { body } = rc.response;
          const errors = body.kind === 'single' ? body.singleResult.errors : body.initialResult.errors;
          options.record({
            variant: rc.contextValue.variant ?? 'stable',
            operation: `${rc.queryHash ?? '(unparsed)'}:${rc.operationName ?? ''}`,
            failed: failedAnswer(rc.response.http.status ?? 200, (errors ?? []).map((e) => e.extensions?.code)),
            ms: performance.now() - started,
            fetches: rc.contextValue.subgraphFetches,
          });
        },
      };
    },
  };
}
