/** What a subgraph answer says about caching it (its `Cache-Control` and cache-tag headers). */
export interface CacheHint {
  /** Seconds the answer may be reused; 0 = not at all (no header, no max-age, no-store, no-cache). */
  readonly maxAge: number;
  readonly scope: 'PUBLIC' | 'PRIVATE';
  /** Tags for invalidation (the configured cache-tag header). */
  readonly tags?: readonly string[];
}

export const UNCACHEABLE: CacheHint = Object.freeze({ maxAge: 0, scope: 'PUBLIC' });

/**
 * Reads a `Cache-Control` header as @apollo/gateway does (honorSubgraphCacheControlHeader): `max-age=N`
 * gives the age, `private` the scope; no header, or `no-store` / `no-cache`, is not cacheable.
 */
export function parseCacheControl(header: string | undefined, tagHeader?: string): CacheHint {
  if (!header) return tagHeader ? withTags(UNCACHEABLE, tagHeader) : UNCACHEABLE;
  let maxAge = 0;
  let scope: CacheHint['scope'] = 'PUBLIC';
  let forbidden = false;
  for (const part of header.split(',')) {
    const [rawName, rawValue] = part.split('=', 2);
    const name = rawName?.trim().toLowerCase();
    if (name === 'max-age') {
      const value = rawValue?.trim().replace(/^"|"$/g, '');
      maxAge = value !== undefined && /^\d+$/.test(value) ? Number(value) : 0;
    } else if (name === 'private') scope = 'PRIVATE';
    else if (name === 'no-store' || name === 'no-cache') forbidden = true;
  }
  const hint: CacheHint = { maxAge: forbidden ? 0 : maxAge, scope };
  return tagHeader ? withTags(hint, tagHeader) : hint;
}

/** Tags as CDNs write them: separated by commas and/or spaces. */
function withTags(hint: CacheHint, header: string): CacheHint {
  const tags = header.split(/[\s,]+/).filter((t) => t !== '');
  return tags.length > 0 ? { ...hint, tags } : hint;
}
