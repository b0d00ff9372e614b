import type { Stage } from '../operationRequest';

/** Batches multiply the work of one request: refused unless configured, and bounded when on. */
export function batchingStage(batching: { enabled: boolean; maxSize: number }): Stage {
  return (request) => {
    if (!Array.isArray(request.body)) return undefined;
    if (!batching.enabled) return { status: 400, code: 'BATCHING_DISABLED', message: 'Batched operations (an array body) are not accepted.' };
    if (request.body.length > batching.maxSize) {
      return { status: 400, code: 'BATCH_LIMIT_EXCEEDED', message: `A batch may hold at most ${batching.maxSize} operations (got ${request.body.length}).` };
    }
    return undefined;
  };
}
