import { checkVariables, type VariableBounds } from '../../security';
import type { Stage } from '../operationRequest';

/**
 * Stack exhaustion and CPU amplification: variables are bounded (depth, values) before any other stage reads
 * them — a 300,000-deep list costs one bounded walk, never a recursive one (security/limits/variableBounds.ts).
 */
export function boundVariablesStage(bounds: VariableBounds): Stage {
  return (request) => {
    const refusal = request.method === 'GET' ? checkVariables(getVariables(request.search), bounds) : firstRefusal(request.body, bounds);
    return refusal ? { status: 400, code: refusal.code, message: refusal.message } : undefined;
  };
}

function firstRefusal(body: unknown, bounds: VariableBounds) {
  for (const op of Array.isArray(body) ? body : [body]) {
    if (op === null || typeof op !== 'object') continue;
    const refusal = checkVariables((op as { variables?: unknown }).variables, bounds);
    if (refusal) return refusal;
  }
  return undefined;
}

function getVariables(search: string): unknown {
  const text = search === '' ? null : new URLSearchParams(search.slice(1)).get('variables');
  if (text === null) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined; // Apollo Server answers malformed variables with its own 400.
  }
}
