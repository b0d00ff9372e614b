import { z } from 'zod';

const author = z.string().min(1).max(200).optional();
const url = z
  .string()
  .url('must be an http(s) URL')
  .refine((u) => /^https?:\/\//i.test(u), 'must be an http(s) URL');
const sdl = z.string().min(1, 'must not be empty');

/** A canary release's first share, in percent: above 0, below 100 (100 is a plain publish). */
const canary = z.number().gt(0, 'must be above 0').lt(100, 'must be below 100 (100 is a plain publish)').optional();
const publish = z.object({ url, sdl, author, canary }).strict();
const check = z.union([z.object({ delete: z.literal(true) }).strict(), z.object({ url: url.optional(), sdl }).strict()]);
const rollback = z.object({ version: z.number().int().positive(), author }).strict();
const authorOnly = z.object({ author }).strict();

type Parsed<T> = ({ ok: true } & T) | { ok: false; message: string };

function parser<S extends z.ZodTypeAny>(schema: S): (body: unknown) => Parsed<z.infer<S>> {
  return (body) => {
    const parsed = schema.safeParse(body);
    if (parsed.success) return { ok: true, ...(parsed.data as object) } as Parsed<z.infer<S>>;
    const issues = parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'body'}: ${issue.message}`);
    return { ok: false, message: issues.join('; ') };
  };
}

/** `POST /admin/subgraphs/{name}`: `{ url, sdl, author?, canary? }`. */
export const parsePublishRequest = parser(publish);
/** `POST /admin/subgraphs/{name}/check`: `{ url?, sdl }` or `{ delete: true }`. */
export const parseCheckRequest = (body: unknown): Parsed<{ delete?: true; url?: string | undefined; sdl: string }> => {
  const parsed = parser(check)(body);
  if (!parsed.ok) return parsed;
  return 'delete' in parsed ? { ok: true, delete: true, sdl: '' } : parsed;
};
/** `POST /admin/supergraph/rollback`: `{ version, author? }`. */
export const parseRollbackRequest = parser(rollback);
/** `DELETE /admin/subgraphs/{name}`, `POST /admin/canary/promote|abort`: optional `{ author }`. */
export const parseAuthorRequest = parser(authorOnly);
