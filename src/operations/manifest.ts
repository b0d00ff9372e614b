/**
 * Apollo persisted-query manifests (PROTOCOLS.md, "Persisted-operation manifests"):
 * `{ format: "apollo-persisted-query-manifest", version: 1, operations: [{ id, body, name?, type?, clientName? }] }`.
 */
export interface ManifestOperation {
  readonly id: string;
  readonly body: string;
  readonly name: string | undefined;
  readonly type: 'query' | 'mutation' | 'subscription' | undefined;
  /** The client this operation belongs to (from the entry, or the manifest's configured clientName). */
  readonly clientName: string | undefined;
}

export type ManifestResult = { ok: true; operations: ManifestOperation[] } | { ok: false; problems: string[] };

const MAX_ID_LENGTH = 256;
const TYPES = new Set(['query', 'mutation', 'subscription']);

/**
 * Parses and checks a manifest's text. Every problem is listed (by operation index) rather than the first;
 * an id listed twice with two different bodies is a problem, the same entry twice is not.
 */
export function parseManifest(text: string, source: string, clientName?: string): ManifestResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, problems: [`${source}: not valid JSON (${err instanceof Error ? err.message : String(err)})`] };
  }
  if (!isObject(json)) return { ok: false, problems: [`${source}: a manifest is a JSON object`] };
  const problems: string[] = [];
  if (json.format !== 'apollo-persisted-query-manifest') problems.push(`${source}: "format" must be "apollo-persisted-query-manifest"`);
  if (json.version !== 1) problems.push(`${source}: "version" must be 1`);
  if (!Array.isArray(json.operations)) {
    problems.push(`${source}: "operations" must be an array`);
    return { ok: false, problems };
  }
  const operations: ManifestOperation[] = [];
  const byId = new Map<string, ManifestOperation>();
  json.operations.forEach((entry: unknown, index: number) => {
    const at = `${source}: operations[${index}]`;
    if (!isObject(entry)) return problems.push(`${at}: not an object`);
    const { id, body, name, type } = entry;
    const entryClient = entry.clientName;
    const before = problems.length;
    if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH) problems.push(`${at}: "id" must be a string of 1 to ${MAX_ID_LENGTH} characters`);
    if (typeof body !== 'string' || body.length === 0) problems.push(`${at}: "body" must be a non-empty string`);
    if (name !== undefined && typeof name !== 'string') problems.push(`${at}: "name" must be a string`);
    if (type !== undefined && !(typeof type === 'string' && TYPES.has(type))) problems.push(`${at}: "type" must be query, mutation or subscription`);
    if (entryClient !== undefined && typeof entryClient !== 'string') problems.push(`${at}: "clientName" must be a string`);
    if (problems.length > before) return;
    const operation: ManifestOperation = {
      id: id as string,
      body: body as string,
      name: name as string | undefined,
      type: type as ManifestOperation['type'],
      clientName: clientName ?? (entryClient as string | undefined),
    };
    const earlier = byId.get(operation.id);
    if (earlier) {
      if (earlier.body !== operation.body) problems.push(`${at}: id "${operation.id}" is listed earlier with a different body`);
      return;
    }
    byId.set(operation.id, operation);
    operations.push(operation);
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, operations };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
