/**
 * Progressive override (`@override(from:, label:)`): the supergraph names labels; for each request the
 * gateway decides which are active. `percent(N)` labels are active for N% of requests; any other label is
 * active only when configured so. Stock @apollo/gateway never passes these, so the old subgraph always won.
 */
export interface OverrideLabels {
  /** Labels present in the supergraph, in a stable order. */
  readonly labels: readonly string[];
  /** The active set for one request and a short key naming it (part of the plan-cache key). */
  roll(random?: () => number): { conditions: Map<string, boolean> | undefined; key: string };
}

const LABEL = /overrideLabel:\s*"([^"]+)"/g;
const PERCENT = /^percent\((\d+(?:\.\d+)?)\)$/;
// The common case (no labels): one shared answer, nothing allocated per request.
const NO_LABELS = Object.freeze({ conditions: undefined, key: '' });

export function overrideLabelsOf(supergraphSdl: string, configured: Readonly<Record<string, boolean>>): OverrideLabels {
  const labels = [...new Set([...supergraphSdl.matchAll(LABEL)].map((m) => m[1] as string))].sort();
  if (labels.length === 0) return { labels, roll: () => NO_LABELS };
  return {
    labels,
    roll(random = Math.random) {
      const conditions = new Map<string, boolean>();
      let key = '';
      for (const label of labels) {
        const percent = PERCENT.exec(label)?.[1];
        const on = percent !== undefined ? random() * 100 < Number(percent) : configured[label] === true;
        conditions.set(label, on);
        key += on ? '1' : '0';
      }
      return { conditions, key };
    },
  };
}
