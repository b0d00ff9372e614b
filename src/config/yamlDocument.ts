import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import type { ZodIssue, ZodType, ZodTypeAny, ZodTypeDef } from 'zod';
import { explainIssue, valueAt } from './expectedType';

export type Validated<T> = { ok: true; value: T } | { ok: false; problems: string[] };

/**
 * Parses a YAML file and validates it against a zod schema, reporting every problem with the file name,
 * the line and the key path — never a stack trace. Shared by `gateway.yaml` and `supergraph.yaml`.
 */
export function parseYamlWith<T>(
  text: string,
  fileName: string,
  schema: ZodType<T, ZodTypeDef, unknown>,
  prepare: (raw: unknown) => Validated<unknown> = (raw) => ({ ok: true, value: raw }),
): Validated<T> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => {
        const line = e.linePos?.[0]?.line ?? lineCounter.linePos(e.pos[0]).line;
        return `${fileName}${line ? `:${line}` : ''}: ${firstLine(e.message)}`;
      }),
    };
  }
  const prepared = prepare(doc.toJS() ?? {});
  if (!prepared.ok) return prepared;
  const result = schema.safeParse(prepared.value);
  if (result.success) return { ok: true, value: result.data };
  const explain = (issue: ZodIssue) => explainIssue(issue, schema as unknown as ZodTypeAny, valueAt(prepared.value, issue.path));
  return { ok: false, problems: result.error.issues.map((issue) => describeIssue(issue, doc, lineCounter, fileName, explain)) };
}

function describeIssue(issue: ZodIssue, doc: Document, lines: LineCounter, fileName: string, explain: (issue: ZodIssue) => string): string {
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    return issue.keys
      .map((key) => `${fileName}${lineSuffix(doc, lines, [...path, key], true)}: unknown key "${[...path, key].join('.')}"`)
      .join('\n');
  }
  const where = path.length > 0 ? ` \`${path.join('.')}\`:` : '';
  return `${fileName}${lineSuffix(doc, lines, path, false)}:${where} ${explain(issue)}`;
}

// Finds the line of a key (or of its value) so the message points at the text the user must change.
function lineSuffix(doc: Document, lines: LineCounter, path: string[], keyItself: boolean): string {
  let node: unknown = doc.contents;
  let offset: number | undefined;
  for (const segment of path) {
    if (!isMap(node)) break;
    const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === segment);
    if (!pair) break;
    offset = keyItself && isScalar(pair.key) ? pair.key.range?.[0] : (pair.value as { range?: number[] } | null)?.range?.[0];
    if (offset === undefined && isScalar(pair.key)) offset = pair.key.range?.[0];
    node = pair.value;
  }
  return offset === undefined ? '' : `:${lines.linePos(offset).line}`;
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
