/** What a label value becomes once its cap of distinct values is reached. */
export const OTHER_LABEL = '__other__';

/**
 * Bounds the values of one metric label. Operation and client names come from callers: without a bound a
 * client sending a fresh name per request (by mistake or to hurt) grows every series without end — memory in
 * the gateway, cost and query time in Prometheus. The first `cap` distinct values (cut to `maxLength`) are
 * kept as they are for the life of the process; every later new value counts as `__other__`.
 */
export class LabelCap {
  private readonly seen = new Set<string>();

  constructor(
    private readonly cap: number,
    private readonly maxLength = 64,
  ) {}

  /** The label value to record for `value` ('' stays '': anonymous operations, clients without a name). */
  of(value: string | null | undefined): string {
    if (!value) return '';
    const cut = value.length > this.maxLength ? value.slice(0, this.maxLength) : value;
    if (this.seen.has(cut)) return cut;
    if (this.seen.size >= this.cap) return OTHER_LABEL;
    this.seen.add(cut);
    return cut;
  }
}
