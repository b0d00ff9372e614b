import { z } from 'zod';
import type { InvalidationTarget } from '../cache';

/** Most targets one `POST /admin/cache/invalidate` may name. */
const MAX_INVALIDATION_TARGETS = 1000;
/** Deepest nesting of an entity key (`{ id, org: { id } }` is 2). */
const MAX_KEY_DEPTH = 16;

const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;
// supergraph.yaml's rule: subgraph names may hold `-`, which GraphQL names may not.
const SUBGRAPH_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

const KINDS = ['subgraph', 'type', 'tag'] as const;

const target = z
  .object({
    subgraph: z.string().regex(SUBGRAPH_NAME, 'must be a subgraph name (letters, digits, _ and -)').optional(),
    type: z.string().regex(GRAPHQL_NAME, 'must be a GraphQL type name').optional(),
    // Stack exhaustion: the key is hashed recursively, so a deeply nested one must be refused here, not crash there.
    key: z
      .custom<Record<string, unknown>>(isNonEmptyObject, 'must be a non-empty object of key fields')
      .refine((key) => depthWithin(key, MAX_KEY_DEPTH), `must not nest deeper than ${MAX_KEY_DEPTH} levels`)
      .optional(),
    tag: z.string().min(1, 'must not be empty').max(256, 'must be at most 256 characters').optional(),
  })
  .strict()
  .transform((t, ctx): InvalidationTarget => {
    const kinds = KINDS.filter((kind) => t[kind] !== undefined);
    if (kinds.length !== 1) {
      const got = kinds.length === 0 ? 'none' : kinds.join(' and ');
      ctx.addIssue({ code: 'custom', message: `a target names exactly one of subgraph, type, tag (got ${got})` });
      return z.NEVER;
    }
    if (t.key !== undefined && t.type === undefined) {
      ctx.addIssue({ code: 'custom', path: ['key'], message: 'a key goes with a type target only' });
      return z.NEVER;
    }
    if (t.subgraph !== undefined) return { subgraph: t.subgraph };
    if (t.tag !== undefined) return { tag: t.tag };
    if (t.type !== undefined) return t.key === undefined ? { type: t.type } : { type: t.type, key: t.key };
    return z.NEVER; // unreachable: exactly one kind is set
  });

const invalidationRequest = z
  .object({
    targets: z.array(target).min(1, 'must name at least one target').max(MAX_INVALIDATION_TARGETS, `must name at most ${MAX_INVALIDATION_TARGETS} targets`),
  })
  .strict();

/** The targets of a parsed JSON body, or what is wrong with it (`targets[2].type: must be a GraphQL type name`). */
export function parseInvalidationRequest(body: unknown): { ok: true; targets: InvalidationTarget[] } | { ok: false; message: string } {
  const parsed = invalidationRequest.safeParse(body);
  if (parsed.success) return { ok: true, targets: parsed.data.targets };
  const issues = parsed.error.issues;
  const shown = issues.slice(0, 5).map((issue) => `${pathOf(issue.path)}: ${issue.message}`);
  if (issues.length > shown.length) shown.push(`and ${issues.length - shown.length} more`);
  return { ok: false, message: shown.join('; ') };
}

function pathOf(path: ReadonlyArray<string | number>): string {
  if (path.length === 0) return 'body';
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`)).join('');
}

function isNonEmptyObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0;
}

/** Whether `value` nests at most `levels` objects or arrays deep; recursion stops at the bound. */
function depthWithin(value: unknown, levels: number): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (levels === 0) return false;
  return Object.values(value).every((member) => depthWithin(member, levels - 1));
}
