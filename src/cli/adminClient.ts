/** How long one admin API call may take (publishing composes the supergraph), and how large its answer may be. */
const ADMIN_TIMEOUT_MS = 30_000;
const ADMIN_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

export interface AdminConnection {
  /** The gateway's origin (a path prefix is kept, for a gateway behind a proxy). */
  gateway: URL;
  /** Sent as `Authorization: Bearer <token>`. */
  token: string;
}

export interface AdminClient {
  /** The parsed JSON of a 2xx answer; throws an AdminApiError otherwise. */
  request(method: 'GET' | 'POST' | 'DELETE', path: string, body?: object): Promise<unknown>;
}

/** A failure the CLI reports as is: its message is written for the user (main prints it, exit 1). */
export class AdminApiError extends Error {}

/** A client of the gateway's registry admin API (`/admin/subgraphs`, `/admin/supergraph`). */
export function adminClient({ gateway, token }: AdminConnection): AdminClient {
  const base = gateway.href.replace(/\/+$/, '');
  return {
    async request(method, path, body) {
      const where = `${method} ${path}`;
      let response: Response;
      try {
        response = await fetch(`${base}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            accept: 'application/json',
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(ADMIN_TIMEOUT_MS),
          redirect: 'error',
        });
      } catch (err) {
        throw new AdminApiError(`cannot reach the gateway at ${gateway.origin}: ${reasonOf(err)}`);
      }
      let text: string;
      try {
        text = await readBounded(response);
      } catch (err) {
        throw new AdminApiError(`${where}: the gateway at ${gateway.origin} ${reasonOf(err)}`);
      }
      const json = parseJson(text);
      if (!response.ok) throw new AdminApiError(describeError(where, response.status, json, gateway));
      if (json === undefined) throw new AdminApiError(`${where}: the gateway at ${gateway.origin} answered HTTP ${response.status} with a body that is not JSON`);
      return json;
    },
  };
}

/** Reads at most ADMIN_MAX_RESPONSE_BYTES: a wrong --gateway (or a hostile one) must not fill the memory. */
async function readBounded(response: Response): Promise<string> {
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    if (size > ADMIN_MAX_RESPONSE_BYTES) {
      await response.body.cancel().catch(() => undefined);
      throw new Error(`answered more than ${ADMIN_MAX_RESPONSE_BYTES} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function reasonOf(err: unknown): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return `no answer within ${ADMIN_TIMEOUT_MS / 1000} s`;
  // fetch reports "fetch failed"; the cause says why (ECONNREFUSED, ENOTFOUND, a TLS error…).
  const cause = err instanceof Error ? (err.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return err instanceof Error ? err.message : String(err);
}

interface ApiError {
  message: string;
  code: string | undefined;
  composition: { code: string; message: string; subgraphs: string[] }[];
}

/** `CODE (HTTP s): message`, and for COMPOSITION_FAILED every composition error with its subgraphs. */
function describeError(where: string, status: number, json: unknown, gateway: URL): string {
  const errors = apiErrorsOf(json);
  if (errors.length === 0) return `${where}: the gateway at ${gateway.origin} answered HTTP ${status}`;
  const lines: string[] = [];
  for (const error of errors) {
    lines.push(`${error.code ?? 'ERROR'} (HTTP ${status}): ${error.message}`);
    for (const issue of error.composition) {
      const subgraphs = issue.subgraphs.length > 0 ? ` [subgraphs: ${issue.subgraphs.join(', ')}]` : '';
      lines.push(`  - ${issue.code}: ${issue.message}${subgraphs}`);
    }
  }
  if (status === 404 && errors.some((e) => e.code === 'NOT_FOUND')) lines.push(`(does the gateway at ${gateway.origin} run the subgraph registry?)`);
  return lines.join('\n');
}

/** The `errors` of an error body, narrowed field by field: anything else in it is ignored. */
function apiErrorsOf(json: unknown): ApiError[] {
  const errors = isRecord(json) && Array.isArray(json.errors) ? json.errors : [];
  return errors.filter(isRecord).map((error) => {
    const extensions = isRecord(error.extensions) ? error.extensions : {};
    const composition = Array.isArray(extensions.composition) ? extensions.composition.filter(isRecord) : [];
    return {
      message: typeof error.message === 'string' ? error.message : '(no message)',
      code: typeof extensions.code === 'string' ? extensions.code : undefined,
      composition: composition.map((issue) => ({
        code: String(issue.code ?? 'ERROR'),
        message: String(issue.message ?? ''),
        subgraphs: Array.isArray(issue.subgraphs) ? issue.subgraphs.map(String) : [],
      })),
    };
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
