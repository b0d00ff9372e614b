import { Kind, type FragmentDefinitionNode } from 'graphql';
import { entitiesInResult, type Invalidations } from '../cache';
import type { ExecutionResult, ExecutorContext } from './stockExecution';
import type { SupergraphState } from './supergraphState';

/**
 * A mutation's result names the entities it changed (those returned with their key fields): their cached
 * copies, and the cached responses holding their type, are invalidated (`cache.invalidateOnMutation`).
 */
export async function invalidateMutated(invalidations: Invalidations, state: SupergraphState, rc: ExecutorContext, data: ExecutionResult['data']): Promise<void> {
  if (!data) return;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of rc.document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const targets = entitiesInResult(state.schema, rc.operation, fragments, data, state.entityKeys);
  if (targets.length > 0) await invalidations.invalidate(targets);
}
