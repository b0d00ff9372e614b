import { readFile } from 'node:fs/promises';
import { readEnvironment, type Environment } from '../config';
import { adminClient, type AdminClient } from './adminClient';
import { UsageError } from './usage';

const DEFAULT_GATEWAY = 'http://localhost:4000';

/** The options every registry command takes. */
export const ADMIN_OPTIONS = {
  gateway: { type: 'string' },
  token: { type: 'string' },
} as const;

export const AUTHOR_OPTION = { author: { type: 'string' } } as const;

/** Where a candidate schema comes from (`publish`, `check`). */
export const SCHEMA_OPTIONS = {
  schema: { type: 'string' },
  introspect: { type: 'string' },
} as const;

/**
 * The admin API client for `--gateway` (else JUNCTION_GATEWAY_URL, else localhost:4000) and `--token` (else
 * JUNCTION_ADMIN_TOKEN; the variable keeps the secret out of `ps` and shell history).
 */
export function connect(command: string, values: { gateway?: string; token?: string }, env: Environment = readEnvironment()): AdminClient {
  const gateway = httpUrl('--gateway', values.gateway ?? nonEmpty(env.JUNCTION_GATEWAY_URL) ?? DEFAULT_GATEWAY);
  const token = (values.token ?? env.JUNCTION_ADMIN_TOKEN ?? '').trim();
  if (token === '') throw new UsageError(`${command} needs an admin token: set JUNCTION_ADMIN_TOKEN or pass --token <token>`);
  // A newline (from `$(cat file)`) or a control character would otherwise surface as "cannot reach the gateway".
  if (!/^[\x21-\x7e]+$/.test(token)) throw new UsageError('the admin token holds spaces or characters an HTTP header cannot carry');
  return adminClient({ gateway, token });
}

/** `--author`, else who CI or the shell says is running the command; undefined: the gateway records the token's subject. */
export function authorOf(values: { author?: string }, env: Environment = readEnvironment()): string | undefined {
  return values.author ?? nonEmpty(env.GITHUB_ACTOR) ?? nonEmpty(env.GITLAB_USER_LOGIN) ?? nonEmpty(env.USER);
}

/** The one subgraph name a command names. */
export function subgraphName(command: string, positionals: readonly string[]): string {
  const name = positionals[0];
  if (!name || positionals.length > 1) throw new UsageError(`${command} needs exactly one <subgraph name>`);
  return name;
}

/** The candidate SDL, from `--schema <file>` or `--introspect <subgraph url>` (exactly one of them). */
export async function candidateSdl(command: string, values: { schema?: string; introspect?: string }): Promise<string> {
  if ((values.schema === undefined) === (values.introspect === undefined)) {
    throw new UsageError(`${command} needs exactly one of --schema <file.graphql> or --introspect <subgraph url>`);
  }
  if (values.introspect !== undefined) {
    const url = httpUrl('--introspect', values.introspect);
    // Composition is loaded only here: the other registry commands do not need it.
    const { introspect } = await import('../composition');
    return introspect(url.href, {});
  }
  const file = values.schema ?? '';
  let sdl: string;
  try {
    sdl = await readFile(file, 'utf8');
  } catch {
    throw new Error(`cannot read schema file ${file}`);
  }
  if (sdl.trim() === '') throw new Error(`schema file ${file} is empty`);
  return sdl;
}

/** `--url`, checked but sent as written: the gateway compares it with the active routing URL. */
export function routingUrl(value: string): string {
  httpUrl('--url', value);
  return value;
}

function httpUrl(option: string, value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${option} must be an http(s) URL, got "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`${option} must be an http(s) URL, got "${value}"`);
  return url;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
