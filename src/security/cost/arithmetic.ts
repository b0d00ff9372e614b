/**
 * Costs are plain numbers that saturate here: a client-chosen `first: 1e300` must read as
 * "too expensive", never as Infinity, NaN or a wrapped-around small number.
 */
const COST_CAP = Number.MAX_SAFE_INTEGER;

export function add(a: number, b: number): number {
  return Math.min(a + b, COST_CAP);
}

/** Both factors are already clamped to [0, COST_CAP], so the product is finite and never NaN. */
export function mul(a: number, b: number): number {
  return Math.min(a * b, COST_CAP);
}

/** A list size or weight read from untrusted input: a number clamped to [0, COST_CAP], else undefined. */
export function toSize(value: unknown): number | undefined {
  if (typeof value !== 'number' || Number.isNaN(value)) return undefined;
  // A negative size or weight would let a client lower its bill by repeating a selection.
  return Math.min(Math.max(0, Math.floor(value)), COST_CAP);
}
