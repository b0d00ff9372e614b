import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Invalidations } from '../cache';
import { errorBody, type ErrorCode } from '../errors';
import { RegistryError, type Registry } from '../registry';
import type { CanaryController } from '../canary';
import type { Logger } from '../observability';
import type { RequestAuthenticator } from './authentication';
import { sendJson } from './graphqlRoute';
import { parseInvalidationRequest } from './invalidationRequest';
import { parseCheckRequest, parsePublishRequest, parseRollbackRequest, parseAuthorRequest } from './registryRequests';
import { BodyIdle, BodyTooLarge, bodyIdleMessage, readBody, type BodyLimits } from './readBody';



/** Largest body `POST /admin/cache/invalidate` reads (1000 targets with small keys fit). */
const ADMIN_MAX_BODY_BYTES = 64 * 1024;
/** Largest body the registry endpoints read (a subgraph SDL). */
const REGISTRY_MAX_BODY_BYTES = 8 * 1024 * 1024;

export interface AdminOptions {
  /** Where invalidation markers are written (the store every replica's caches read). */
  invalidations: Invalidations;
  /** A verified token with one of these scopes may call the admin API (config `admin.scopes`). */
  scopes: readonly string[];
  /** The static admin bearer secret (config `admin.token`); undefined: only scoped tokens are accepted. */
  token: string | undefined;
  /** The subgraph registry (`registry.enabled`), once started; without it the registry endpoints answer 404. */
  registry?: () => Registry | undefined;
  /** The canary releases' judge (with the registry), for `GET /admin/canary` figures. */
  canary?: () => CanaryController | undefined;
}

type Caller = { ok: true; who: string } | { ok: false; status: 401 | 403; message: string };

type Handler = (body: unknown, caller: string, params: string[]) => Promise<{ status: number; body: unknown }>;

interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  pattern: RegExp;
  maxBodyBytes: number;
  handle: Handler;
}

const SUBGRAPH = '([A-Za-z_][A-Za-z0-9_-]{0,99})';

/**
 * The admin API under /admin: cache invalidation, and with the registry on, publishing, checking, deleting
 * and rolling back subgraphs. Only an admin may call it (the bearer token, or a verified token with an admin
 * scope): anyone else could empty the caches or replace the schema. Bodies are JSON, bounded per route.
 * Answers `true` when the path was an admin path (answered here), `false` otherwise.
 */
export function adminApi(
  admin: AdminOptions,
  authenticator: RequestAuthenticator | undefined,
  logger: Logger,
  /** `server.bodyIdleTimeoutMs`: a body that stops arriving is answered 408. */
  bodyIdleTimeoutMs: number,
): (req: IncomingMessage, res: ServerResponse, path: string) => Promise<boolean> {
  // Timing attack: comparing digests (equal length, constant time) leaks neither the secret nor its length.
  const tokenDigest = admin.token === undefined ? undefined : sha256(admin.token);
  const scopes = new Set(admin.scopes);

  const identify = async (req: IncomingMessage): Promise<Caller> => {
    const bearer = bearerOf(req.headers.authorization);
    if (tokenDigest && bearer !== undefined && timingSafeEqual(sha256(bearer), tokenDigest)) return { ok: true, who: 'token' };
    const required = `an admin token, or a token with one of the scopes ${[...scopes].join(', ')}, is required`;
    // A bearer that is not a JWT can only have meant the admin token: say that it was refused, not "malformed token".
    if (bearer !== undefined && !looksLikeJwt(bearer)) return { ok: false, status: 401, message: `Unauthenticated: the admin token was refused (it is not this gateway's admin token).` };
    if (!authenticator) return { ok: false, status: 401, message: `Unauthenticated: ${required}.` };
    // CSRF: a browser attaches the auth cookie to any request, whichever site made it; the admin API changes
    // caches and the schema, so it takes credentials only from a header a page cannot make a browser send.
    const outcome = await authenticator({ get: (name) => (name.toLowerCase() === 'cookie' ? undefined : headerOf(req, name)) });
    if (!outcome.ok) return { ok: false, status: 401, message: `Unauthenticated: ${outcome.message}.` };
    if (!outcome.principal) return { ok: false, status: 401, message: `Unauthenticated: ${required}.` };
    if (!outcome.principal.scopes.some((scope) => scopes.has(scope))) {
      return { ok: false, status: 403, message: `Forbidden: the token has none of the admin scopes (${[...scopes].join(', ')}).` };
    }
    return { ok: true, who: outcome.principal.sub ?? '(token without sub)' };
  };

  const invalidate: Handler = async (body, who) => {
    const request = parseInvalidationRequest(body);
    if (!request.ok) return refusal(400, 'BAD_REQUEST', `Invalid invalidation request: ${request.message}.`);
    const complete = await admin.invalidations.invalidate(request.targets);
    const facts = { targets: request.targets.length, by: who };
    if (!complete) {
      logger.error(facts, 'cache invalidation not stored: the store refused markers; replicas may keep serving stale data');
      const message = 'The cache store did not take every invalidation marker: the invalidation may not have reached every replica. Retry once the store is available.';
      return refusal(503, 'CACHE_STORE_UNAVAILABLE', message);
    }
    logger.info(facts, 'cache invalidated');
    return { status: 200, body: { invalidated: request.targets.length } };
  };

  const routes: Route[] = [{ method: 'POST', pattern: /^\/admin\/cache\/invalidate$/, maxBodyBytes: ADMIN_MAX_BODY_BYTES, handle: invalidate }];
  const registryOf = admin.registry;
  if (registryOf) {
    const registryRoute = (method: Route['method'], pattern: RegExp, handle: (body: unknown, who: string, params: string[], registry: Registry) => Promise<unknown>): Route => ({
      method,
      pattern,
      maxBodyBytes: REGISTRY_MAX_BODY_BYTES,
      handle: async (body, who, params) => {
        const registry = registryOf();
        if (!registry) return refusal(404, 'NOT_FOUND', 'The subgraph registry is off (registry.enabled).');
        try {
          const answer = await handle(body, who, params, registry);
          return answer instanceof Refusal ? answer.answer : { status: 200, body: answer };
        } catch (err) {
          if (!(err instanceof RegistryError)) throw err;
          const extensions = err.composition.length > 0 ? { composition: err.composition } : {};
          return { status: err.status, body: { errors: [{ message: err.message, extensions: { code: err.code, ...extensions } }] } };
        }
      },
    });
    routes.push(
      registryRoute('GET', /^\/admin\/subgraphs$/, async (_b, _w, _p, r) => r.list()),
      registryRoute('POST', new RegExp(`^/admin/subgraphs/${SUBGRAPH}$`), async (body, who, [name], r) => {
        const request = parsePublishRequest(body);
        if (!request.ok) return new Refusal(400, 'BAD_REQUEST', `Invalid publish request: ${request.message}.`);
        const result = await r.publish(name as string, request.url, request.sdl, request.author ?? who, request.canary);
        const subgraph = (await r.list()).subgraphs.find((s) => s.name === name);
        return { ...result, subgraph };
      }),
      registryRoute('POST', new RegExp(`^/admin/subgraphs/${SUBGRAPH}/check$`), async (body, _who, [name], r) => {
        const request = parseCheckRequest(body);
        if (!request.ok) return new Refusal(400, 'BAD_REQUEST', `Invalid check request: ${request.message}.`);
        if (request.delete) return r.check({ kind: 'delete', name: name as string });
        const url = request.url ?? (await r.list()).subgraphs.find((s) => s.name === name)?.url;
        if (url === undefined) return new Refusal(400, 'BAD_REQUEST', `Invalid check request: url is required for a subgraph that is not registered yet.`);
        return r.check({ kind: 'publish', name: name as string, url, sdl: request.sdl });
      }),
      registryRoute('DELETE', new RegExp(`^/admin/subgraphs/${SUBGRAPH}$`), async (body, who, [name], r) => {
        const request = parseAuthorRequest(body);
        if (!request.ok) return new Refusal(400, 'BAD_REQUEST', `Invalid delete request: ${request.message}.`);
        const removed = (await r.list()).subgraphs.find((s) => s.name === name);
        return { ...(await r.remove(name as string, request.author ?? who)), subgraph: removed };
      }),
      registryRoute('GET', /^\/admin\/supergraph\/history$/, async (_b, _w, _p, r) => r.history()),
      // Canary releases: status with the judge's latest figures; promote now, or abort (every client back to stable).
      registryRoute('GET', /^\/admin\/canary$/, async (_b, _w, _p, r) => (await admin.canary?.()?.status()) ?? { ...(await r.canaryStatus()), verdict: undefined }),
      registryRoute('POST', /^\/admin\/canary\/(promote|abort)$/, async (body, who, [action], r) => {
        const request = parseAuthorRequest(body);
        if (!request.ok) return new Refusal(400, 'BAD_REQUEST', `Invalid canary request: ${request.message}.`);
        const by = request.author ?? who;
        const status = await r.canaryStep({ action: action === 'promote' ? 'promote' : 'abort', by, reason: action === 'promote' ? `promoted by ${by}` : `aborted by ${by}` });
        return status;
      }),
      registryRoute('POST', /^\/admin\/supergraph\/rollback$/, async (body, who, _p, r) => {
        const request = parseRollbackRequest(body);
        if (!request.ok) return new Refusal(400, 'BAD_REQUEST', `Invalid rollback request: ${request.message}.`);
        return r.rollback(request.version, request.author ?? who);
      }),
    );
  }

  return async (req, res, path) => {
    if (!path.startsWith('/admin/')) return false;
    res.setHeader('cache-control', 'no-store');
    const matching = routes.filter((r) => r.pattern.test(path));
    if (matching.length === 0) {
      sendJson(res, 404, errorBody('NOT_FOUND', `No route for ${req.method ?? 'GET'} ${path}.`));
      return true;
    }
    const route = matching.find((r) => r.method === req.method);
    if (!route) {
      res.setHeader('allow', matching.map((r) => r.method).join(', '));
      sendJson(res, 405, errorBody('METHOD_NOT_ALLOWED', `${path} accepts ${matching.map((r) => r.method).join(', ')} only.`), true);
      return true;
    }
    const caller = await identify(req);
    if (!caller.ok) {
      if (caller.status === 401) res.setHeader('www-authenticate', 'Bearer');
      // The body is never read for a caller who may not send one; the connection cannot be reused.
      sendJson(res, caller.status, errorBody(caller.status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN', caller.message), true);
      return true;
    }
    let body: unknown;
    if (route.method !== 'GET') {
      const read = await readJson(req, { maxBytes: route.maxBodyBytes, idleTimeoutMs: bodyIdleTimeoutMs }, route.method === 'DELETE');
      if (!read.ok) {
        sendJson(res, read.status, errorBody(read.code, read.message), read.status === 413 || read.status === 408);
        return true;
      }
      body = read.body;
    }
    const params = (route.pattern.exec(path) ?? []).slice(1);
    const answer = await route.handle(body, caller.who, params);
    sendJson(res, answer.status, JSON.stringify(answer.body));
    return true;
  };
}

class Refusal {
  readonly answer: { status: number; body: unknown };
  constructor(status: number, code: ErrorCode, message: string) {
    this.answer = refusal(status, code, message);
  }
}

function refusal(status: number, code: ErrorCode, message: string): { status: number; body: unknown } {
  return { status, body: JSON.parse(errorBody(code, message)) as unknown };
}

/**
 * The JSON body of an admin request. CSRF: a cross-site form can send a cookie-authenticated POST, but only
 * as a "simple" content type; requiring application/json makes a browser ask first (CORS preflight), which
 * Junction never grants. An empty body is allowed where it is optional (DELETE).
 */
async function readJson(req: IncomingMessage, limits: BodyLimits, optional: boolean): Promise<{ ok: true; body: unknown } | { ok: false; status: number; code: ErrorCode; message: string }> {
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  let text: string;
  try {
    text = await readBody(req, limits);
  } catch (err) {
    if (err instanceof BodyTooLarge) return { ok: false, status: 413, code: 'PAYLOAD_TOO_LARGE', message: `Request body is larger than ${limits.maxBytes} bytes.` };
    if (err instanceof BodyIdle) return { ok: false, status: 408, code: 'REQUEST_TIMEOUT', message: bodyIdleMessage(limits.idleTimeoutMs) };
    throw err;
  }
  if (optional && text.trim() === '') return { ok: true, body: {} };
  if (contentType !== 'application/json') return { ok: false, status: 400, code: 'BAD_REQUEST', message: 'The content type must be application/json.' };
  try {
    return { ok: true, body: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, status: 400, code: 'BAD_REQUEST', message: 'The request body is not valid JSON.' };
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** The credentials of `Authorization: Bearer <token>` (the scheme is case-insensitive, RFC 9110 §11.1). */
function bearerOf(header: string | undefined): string | undefined {
  if (header === undefined || header.slice(0, 7).toLowerCase() !== 'bearer ') return undefined;
  const token = header.slice(7).trim();
  return token === '' ? undefined : token;
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Three dot-separated base64url segments: a JWT, to be verified as one; anything else is an admin-token attempt. */
function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token);
}
