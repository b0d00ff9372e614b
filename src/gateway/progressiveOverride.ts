/**
 * Progressive override (`@override(from:, label:)`): the supergraph names labels; for each request the
 * gateway decides which are active. `percent(N)` labels are active for N% of requests; any other label is
 * active only when configured so. Stock @apollo/gateway never passes these, so the old subgraph always won.
 */
export interface OverrideLabels {
  /** Labels present in the supergraph, in a stable order. */
  readonly labels: readonly string[];
  /**
   * The active set for one request and a short key naming it (part of the plan-cache key). `percentage` (0–100)
   * decides every percent(N) label: the client's point (sticky, `queryPlan.overrideStickiness: client`), else a
   * fresh random one.
   */
  roll(percentage?: number): OverrideRoll;
}

/**
 * One request's progressive-override state, in both planners' terms: Apollo's planner takes `conditions` (every
 * label on or off); Hive's takes the `active` non-percentage labels and the request's `percentage` (0–100), and
 * decides each `percent(N)` label itself by `percentage < N` — the rule `conditions` follows too, so one roll
 * means the same plan on either planner.
 */
export interface OverrideRoll {
  conditions: Map<string, boolean> | undefined;
  key: string;
  active: ReadonlySet<string>;
  percentage: number;
}

const LABEL = /overrideLabel:\s*"([^"]+)"/g;
const PERCENT = /^percent\((\d+(?:\.\d+)?)\)$/;
// The common case (no labels): one shared answer, nothing allocated per request.
const NO_LABELS: OverrideRoll = Object.freeze({ conditions: undefined, key: '', active: new Set<string>(), percentage: 0 });

export function overrideLabelsOf(supergraphSdl: string, configured: Readonly<Record<string, boolean>>): OverrideLabels {
  const labels = [...new Set([...supergraphSdl.matchAll(LABEL)].map((m) => m[1] as string))].sort();
  if (labels.length === 0) return { labels, roll: () => NO_LABELS };
  return {
    labels,
    roll(percentage = Math.random() * 100) {
      // One percentage per request, as Router rolls it: it decides every percent(N) label.
      const conditions = new Map<string, boolean>();
      const active = new Set<string>();
      let key = '';
      for (const label of labels) {
        const percent = PERCENT.exec(label)?.[1];
        const on = percent !== undefined ? percentage < Number(percent) : configured[label] === true;
        conditions.set(label, on);
        if (on && percent === undefined) active.add(label);
        key += on ? '1' : '0';
      }
      return { conditions, key, active, percentage };
    },
  };
}
