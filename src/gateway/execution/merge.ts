/**
 * deepMerge of @apollo/gateway: merges a subgraph's answer into the data gathered so far (objects key by key,
 * lists of equal length element by element, anything else replaced).
 */
export function mergeInto(target: Record<string, unknown>, source: Record<string, unknown> | null | undefined): void {
  // The same object (an answer merged into an entity it already fills, reached again by another path): nothing
  // to do, however large it is.
  if (source === undefined || source === null || source === target) return;
  for (const key in source) {
    if (!Object.prototype.hasOwnProperty.call(source, key)) continue;
    const value = source[key];
    if (value === undefined) continue;
    const existing = target[key];
    if (existing && isObject(value)) {
      mergeInto(existing as Record<string, unknown>, value);
    } else if (Array.isArray(value) && Array.isArray(existing) && value.length === existing.length) {
      for (let i = 0; i < value.length; i++) {
        if (isObject(existing[i]) && isObject(value[i])) mergeInto(existing[i] as Record<string, unknown>, value[i] as Record<string, unknown>);
        else existing[i] = value[i];
      }
    } else {
      if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
      else target[key] = value;
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
