import type { Store } from '../store';

/** What `POST /admin/cache/invalidate` (and a mutation's result) can name. */
export type InvalidationTarget =
  | { subgraph: string }
  | { type: string; key?: Readonly<Record<string, unknown>> }
  | { tag: string };

/**
 * Tags an entry depends on. Every cached entry (a whole response, an entity, a root-field result) records the
 * tags of what it holds; invalidating writes a marker per tag, and an entry older than any of its markers is
 * a miss. Markers live in the shared store, so an invalidation on one replica reaches every replica, with no
 * key scan and no reverse index.
 *
 * - `s:<subgraph>`: the entry holds data from this subgraph.
 * - `t:<Type>`: the entry holds objects of this type.
 * - `e:<Type>:<keyId>`: the entry is this entity (entity cache).
 * - `n:<Type>`: the entry holds objects of this type whose keys it does not know; any invalidated entity of
 *   the type invalidates it (a correct over-approximation).
 * - `g:<tag>`: a tag the subgraph sent in its cache-tag header.
 */
export const cacheTag = {
  subgraph: (name: string) => `s:${name}`,
  type: (name: string) => `t:${name}`,
  entity: (type: string, keyId: string) => `e:${type}:${keyId}`,
  unkeyed: (type: string) => `n:${type}`,
  custom: (tag: string) => `g:${tag}`,
};

/** The tags an invalidation target writes markers for. */
export function tagsOf(target: InvalidationTarget): string[] {
  if ('subgraph' in target) return [cacheTag.subgraph(target.subgraph)];
  if ('tag' in target) return [cacheTag.custom(target.tag)];
  if (target.key === undefined) return [cacheTag.type(target.type)];
  return [cacheTag.entity(target.type, entityKeyId(target.key)), cacheTag.unkeyed(target.type)];
}

/**
 * An entity key's id in tags: its canonical JSON (`{"upc":"1"}`), members sorted so their order never
 * matters. Keys are small; hashing them would cost more than it saves.
 */
export function entityKeyId(key: unknown): string {
  return canonicalJson(key);
}

/**
 * JSON with object members in sorted order (arrays keep theirs). Stack exhaustion: it serializes request
 * variables and subgraph data, so it walks with an explicit stack, never recursion; whatever the nesting, it
 * cannot overflow (a cycle, impossible in parsed JSON, throws like JSON.stringify does).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  let out = '';
  // Values still to write, and the text between them (separators, member names, closing brackets).
  const work: unknown[] = [value];
  const open = new Set<object>();
  while (work.length > 0) {
    const item = work.pop();
    if (item instanceof Text) {
      out += item.text;
      if (item.closes) open.delete(item.closes);
    } else if (item === null || typeof item !== 'object') {
      out += JSON.stringify(item) ?? 'null';
    } else {
      if (open.has(item)) throw new TypeError('canonicalJson: circular structure');
      open.add(item);
      if (Array.isArray(item)) {
        out += '[';
        work.push(new Text(']', item));
        for (let i = item.length - 1; i >= 0; i--) {
          work.push(item[i]);
          if (i > 0) work.push(COMMA);
        }
      } else {
        const record = item as Record<string, unknown>;
        const keys = Object.keys(record)
          .sort()
          .filter((k) => record[k] !== undefined);
        out += '{';
        work.push(new Text('}', item));
        for (let i = keys.length - 1; i >= 0; i--) {
          const key = keys[i] as string;
          work.push(record[key], new Text(`${i > 0 ? ',' : ''}${JSON.stringify(key)}:`));
        }
      }
    }
  }
  return out;
}

/** Literal text in canonicalJson's work stack (never confused with a value: parsed JSON holds no class instances). */
class Text {
  constructor(
    readonly text: string,
    /** The list or object this text closes. */
    readonly closes?: object,
  ) {}
}
const COMMA = new Text(',');

/**
 * Where else markers must be written: with `--workers N` and the in-memory store every worker has its own
 * markers, and the supervisor has the other workers write the same ones (cluster/workerLink.ts).
 */
export interface MarkerSiblings {
  invalidateSiblings(tags: readonly string[], at: number): Promise<boolean>;
}

/** Invalidation markers: `tag → the time it was last invalidated` (ms since the epoch). */
export class Invalidations {
  constructor(
    private readonly markers: Store,
    /** How long a marker must live: longer than any entry it can make stale. */
    private readonly markerTtlMs: number,
    private readonly siblings?: MarkerSiblings,
  ) {}

  /**
   * Marks every target invalidated now, here and on the sibling workers. Resolves false when a store did not
   * take every marker (or a sibling did not answer in time).
   */
  async invalidate(targets: readonly InvalidationTarget[]): Promise<boolean> {
    const at = Date.now();
    const tags = [...new Set(targets.flatMap(tagsOf))];
    const [here, siblings] = await Promise.all([this.mark(tags, at), this.siblings?.invalidateSiblings(tags, at) ?? true]);
    return here && siblings;
  }

  /** Writes markers for these tags at `at` (an invalidation made here, or one a sibling worker received). */
  async mark(tags: readonly string[], at: number): Promise<boolean> {
    const written = await Promise.all(tags.map((tag) => this.markers.set(tag, String(at), this.markerTtlMs)));
    return written.every(Boolean);
  }

  /** The markers of these tags, in order (undefined: never invalidated, or the store did not answer). */
  async markersOf(tags: readonly string[]): Promise<Array<number | undefined>> {
    if (tags.length === 0) return [];
    const values = await this.markers.getMany(tags);
    return values.map((v) => (v === undefined ? undefined : Number(v)));
  }

  /** Whether an entry stored at `storedAt` with these tags was invalidated since. */
  async isStale(tags: readonly string[], storedAt: number): Promise<boolean> {
    const markers = await this.markersOf(tags);
    return markers.some((m) => m !== undefined && m >= storedAt);
  }
}
