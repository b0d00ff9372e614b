import { setFlagsFromString } from 'node:v8';

/** The V8 flag `server.heapGrowthPercent` sets (how far the old generation may grow past the live heap). */
const FLAG = '--heap-growing-percent';

export type HeapGrowth =
  | { readonly kind: 'set'; readonly percent: number }
  /** `server.heapGrowthPercent: 0`: V8's own adaptive growth (up to 4× the live heap). */
  | { readonly kind: 'adaptive' }
  /** The operator passed the flag on node's command line (node refuses it in NODE_OPTIONS): theirs wins. */
  | { readonly kind: 'operator'; readonly flag: string };

/** What `applyHeapGrowth` would do for this process's flags and the configured percentage. */
export function heapGrowthFor(percent: number, execArgv: readonly string[]): HeapGrowth {
  const given = execArgv.find((arg) => arg === FLAG || arg.startsWith(`${FLAG}=`) || arg.startsWith('--heap_growing_percent'));
  if (given !== undefined) return { kind: 'operator', flag: given };
  return percent > 0 ? { kind: 'set', percent } : { kind: 'adaptive' };
}

/**
 * Bounds the garbage V8 lets the old generation collect before a full GC to `percent` of what survived the
 * last one. V8's default grows the limit adaptively up to 4× the live heap, and a gateway answering thousands
 * of requests a second fills that headroom: measured on the benchmark, peak RSS ~1.0–1.1× stock at V8's
 * default, ~0.75× at 100 % for ~4 % more CPU per request (docs/performance.md "Memory"). V8 reads the flag at
 * every full GC, so setting it after start takes effect. Once per process, before the gateway starts.
 */
export function applyHeapGrowth(percent: number): HeapGrowth {
  const decision = heapGrowthFor(percent, process.execArgv);
  if (decision.kind === 'set') setFlagsFromString(`${FLAG}=${decision.percent}`);
  return decision;
}

/** The decision as the start-up log says it. */
export function describeHeapGrowth(decision: HeapGrowth): string {
  if (decision.kind === 'set') return `${decision.percent} % (server.heapGrowthPercent)`;
  if (decision.kind === 'adaptive') return "V8's adaptive growth (server.heapGrowthPercent: 0)";
  return `${decision.flag} (given to node; server.heapGrowthPercent not applied)`;
}
