import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { SchemaSource, SupergraphYaml } from './supergraphYaml';
import type { SubgraphSource } from './compose';

/** How long one `_service { sdl }` introspection may take, and how large its answer may be. */
const INTROSPECTION_TIMEOUT_MS = 10_000;
const INTROSPECTION_MAX_BYTES = 8 * 1024 * 1024;
const SERVICE_SDL_QUERY = 'query SubgraphIntrospectQuery { _service { sdl } }';

export type Loaded = { ok: true; sources: SubgraphSource[]; files: string[] } | { ok: false; problems: string[] };

/**
 * Fetches every subgraph's SDL named by a parsed `supergraph.yaml`. Relative `file` paths resolve against
 * the YAML file's folder (as rover does). Returns the files read so a watcher can follow them.
 */
export async function loadSources(config: SupergraphYaml, baseDir: string): Promise<Loaded> {
  const problems: string[] = [];
  const files: string[] = [];
  const sources = await Promise.all(
    config.subgraphs.map(async ({ name, routingUrl, schema }) => {
      try {
        if (schema.kind === 'file') files.push(resolveFile(baseDir, schema.file));
        return { name, url: routingUrl, sdl: await readSchema(schema, baseDir) };
      } catch (err) {
        problems.push(`subgraph "${name}": ${err instanceof Error ? err.message : String(err)}`);
        return undefined;
      }
    }),
  );
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, sources: sources.filter((s): s is SubgraphSource => s !== undefined), files };
}

async function readSchema(schema: SchemaSource, baseDir: string): Promise<string> {
  switch (schema.kind) {
    case 'sdl':
      return schema.sdl;
    case 'file': {
      const path = resolveFile(baseDir, schema.file);
      try {
        return await readFile(path, 'utf8');
      } catch {
        throw new Error(`cannot read schema file ${path}`);
      }
    }
    case 'subgraph_url':
      return introspect(schema.url, schema.headers);
    case 'graphref':
      throw new Error(
        `schema.graphref "${schema.graphref}" needs Apollo GraphOS, which Junction does not reach; use schema.file, schema.sdl or schema.subgraph_url`,
      );
  }
}

function resolveFile(baseDir: string, file: string): string {
  return isAbsolute(file) ? file : resolve(baseDir, file);
}

/** Reads a running subgraph's SDL through the federation `_service { sdl }` field, bounded in time and size. */
export async function introspect(url: string, headers: Record<string, string>): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
      body: JSON.stringify({ query: SERVICE_SDL_QUERY }),
      signal: AbortSignal.timeout(INTROSPECTION_TIMEOUT_MS),
    });
  } catch (err) {
    const reason = err instanceof Error && err.name === 'TimeoutError' ? `no answer within ${INTROSPECTION_TIMEOUT_MS} ms` : 'connection failed';
    throw new Error(`cannot introspect ${url}: ${reason}`);
  }
  const text = await response.text();
  if (text.length > INTROSPECTION_MAX_BYTES) throw new Error(`introspection answer from ${url} is larger than ${INTROSPECTION_MAX_BYTES} bytes`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`introspection of ${url} answered HTTP ${response.status} with a body that is not JSON`);
  }
  const sdl = (body as { data?: { _service?: { sdl?: unknown } } } | null)?.data?._service?.sdl;
  if (typeof sdl !== 'string') {
    throw new Error(`introspection of ${url} answered HTTP ${response.status} without data._service.sdl (is it a federation subgraph?)`);
  }
  return sdl;
}
