import { z } from 'zod';
import { AdminApiError } from './adminClient';

// The answers of the registry admin API (see the gateway's admin routes). Fields the CLI prints are
// required; a gateway that answers without them is reported, never read as success.

const compositionIssue = z.object({ code: z.string(), message: z.string(), subgraphs: z.array(z.string()).default([]) });

const schemaChange = z.object({ kind: z.string(), coordinate: z.string(), breaking: z.boolean(), description: z.string() });

const publishedSubgraph = z.object({
  name: z.string(),
  url: z.string(),
  publishedBy: z.string().nullish(),
  publishedAt: z.string().nullish(),
});

/** `POST /admin/subgraphs/{name}` and `DELETE /admin/subgraphs/{name}`. */
export const publishResponse = z.object({
  version: z.number(),
  changed: z.boolean().default(true),
  supergraph: z.string(),
  subgraph: publishedSubgraph,
  changes: z.array(schemaChange).default([]),
  hints: z.array(z.object({ code: z.string(), message: z.string() })).default([]),
});

/** `POST /admin/subgraphs/{name}/check`. */
export const checkResponse = z.object({
  composes: z.boolean(),
  compositionErrors: z.array(compositionIssue).default([]),
  changes: z.array(schemaChange),
  affectedOperations: z
    .array(
      z.object({
        name: z.string().nullish(),
        id: z.string().nullish(),
        source: z.string(),
        clientName: z.string().nullish(),
        changes: z.array(z.string()).default([]),
        errors: z.array(z.string()).default([]),
      }),
    )
    .default([]),
});

/** `GET /admin/subgraphs`. */
export const listResponse = z.object({
  version: z.number(),
  supergraph: z.string(),
  subgraphs: z.array(publishedSubgraph.extend({ sdlSha256: z.string().nullish() })),
});

/** `GET /admin/supergraph/history`, newest first. */
export const historyResponse = z.object({
  current: z.number(),
  versions: z.array(
    z.object({
      version: z.number(),
      supergraph: z.string(),
      createdAt: z.string(),
      action: z.string(),
      subgraph: z.string().nullish(),
      by: z.string().nullish(),
      rolledBackTo: z.number().nullish(),
      subgraphs: z.array(z.string()).default([]),
    }),
  ),
});

/** `POST /admin/supergraph/rollback`. */
export const rollbackResponse = z.object({
  version: z.number(),
  rolledBackTo: z.number(),
  supergraph: z.string(),
  changes: z.array(schemaChange).default([]),
});

export type SchemaChange = z.infer<typeof schemaChange>;
export type CheckResponse = z.infer<typeof checkResponse>;

/** The answer narrowed to its schema; an answer of another shape is a failure (a gateway of another version?). */
export function expectShape<T extends z.ZodTypeAny>(schema: T, json: unknown, where: string): z.infer<T> {
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data as z.infer<T>;
  const issue = parsed.error.issues[0];
  const at = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
  throw new AdminApiError(`${where}: unexpected answer from the gateway${at}: ${issue?.message ?? 'invalid'} (is the gateway a different Junction version?)`);
}

const sideSummary = z.object({ requests: z.number(), failed: z.number(), errorRate: z.number(), p95Ms: z.number() });
const canaryDecision = z.object({ at: z.string(), action: z.string(), percent: z.number(), by: z.string(), reason: z.string() });

/** `GET /admin/canary`, `POST /admin/canary/promote|abort`. */
export const canaryStatusResponse = z.object({
  current: z.number(),
  canary: z
    .object({
      id: z.string(),
      subgraph: z.string(),
      percent: z.number(),
      stages: z.array(z.number()),
      stage: z.number(),
      candidate: z.number(),
      candidateSupergraph: z.string(),
      startedAt: z.string(),
      stageStartedAt: z.string(),
      by: z.string(),
      decisions: z.array(canaryDecision),
    })
    .nullish(),
  lastEnded: z
    .object({ id: z.string(), subgraph: z.string(), outcome: z.string(), endedAt: z.string(), version: z.number(), decisions: z.array(canaryDecision) })
    .nullish(),
  verdict: z
    .object({
      at: z.string(),
      decision: z.string(),
      reason: z.string(),
      comparison: z.object({ operations: z.number(), stable: sideSummary, canary: sideSummary, changedSubgraph: z.object({ stable: sideSummary, canary: sideSummary }) }),
    })
    .nullish(),
});

/** A publish that started a canary release (`--canary`). */
export const canaryPublishResponse = z.object({
  canary: z.object({ id: z.string(), percent: z.number(), stages: z.array(z.number()), candidate: z.number(), candidateSupergraph: z.string() }).nullish(),
});
