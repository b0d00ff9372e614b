import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Invalidations } from '../cache';
import { errorBody } from '../errors';
import type { Logger } from '../observability';
import type { RequestAuthenticator } from './authentication';
import { sendJson } from './graphqlRoute';
import { parseInvalidationRequest } from './invalidationRequest';
import { BodyTooLarge, readBody } from './readBody';

export const ADMIN_INVALIDATE_PATH = '/admin/cache/invalidate';

/** Largest body `POST /admin/cache/invalidate` reads (1000 targets with small keys fit). */
export const ADMIN_MAX_BODY_BYTES = 64 * 1024;

export interface AdminOptions {
  /** Where invalidation markers are written (the store every replica's caches read). */
  invalidations: Invalidations;
  /** A verified token with one of these scopes may call the admin API (config `admin.scopes`). */
  scopes: readonly string[];
  /** The static admin bearer secret (config `admin.token`); undefined: only scoped tokens are accepted. */
  token: string | undefined;
}

type Caller = { ok: true; who: string } | { ok: false; status: 401 | 403; message: string };

/**
 * `POST /admin/cache/invalidate {"targets":[…]}`: writes invalidation markers so that every replica treats
 * the cached data they name as stale. Only an admin may call it: anyone else could empty the caches and send
 * the full load to the subgraphs (a cheap denial of service).
 */
export function adminInvalidateRoute(
  admin: AdminOptions,
  authenticator: RequestAuthenticator | undefined,
  logger: Logger,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  // Timing attack: comparing digests (equal length, constant time) leaks neither the secret nor its length.
  const tokenDigest = admin.token === undefined ? undefined : sha256(admin.token);
  const scopes = new Set(admin.scopes);

  const identify = async (req: IncomingMessage): Promise<Caller> => {
    const bearer = bearerOf(req.headers.authorization);
    if (tokenDigest && bearer !== undefined && timingSafeEqual(sha256(bearer), tokenDigest)) return { ok: true, who: 'token' };
    const required = `an admin token, or a token with one of the scopes ${[...scopes].join(', ')}, is required`;
    if (!authenticator) return { ok: false, status: 401, message: `Unauthenticated: ${required}.` };
    const outcome = await authenticator({ get: (name) => headerOf(req, name) });
    if (!outcome.ok) return { ok: false, status: 401, message: `Unauthenticated: ${outcome.message}.` };
    if (!outcome.principal) return { ok: false, status: 401, message: `Unauthenticated: ${required}.` };
    if (!outcome.principal.scopes.some((scope) => scopes.has(scope))) {
      return { ok: false, status: 403, message: `Forbidden: the token has none of the admin scopes (${[...scopes].join(', ')}).` };
    }
    return { ok: true, who: outcome.principal.sub ?? '(token without sub)' };
  };

  return async (req, res) => {
    res.setHeader('cache-control', 'no-store');
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return sendJson(res, 405, errorBody('METHOD_NOT_ALLOWED', `${ADMIN_INVALIDATE_PATH} accepts POST only.`), true);
    }
    const caller = await identify(req);
    if (!caller.ok) {
      if (caller.status === 401) res.setHeader('www-authenticate', 'Bearer');
      // The body is never read for a caller who may not send one; the connection cannot be reused.
      return sendJson(res, caller.status, errorBody(caller.status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN', caller.message), true);
    }
    // CSRF: a cross-site form can send a cookie-authenticated POST, but only as a "simple" content type;
    // requiring application/json makes a browser ask first (CORS preflight), which Junction never grants.
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (contentType !== 'application/json') {
      return sendJson(res, 400, errorBody('BAD_REQUEST', 'The content type must be application/json.'), true);
    }
    let text: string;
    try {
      text = await readBody(req, ADMIN_MAX_BODY_BYTES);
    } catch (err) {
      if (err instanceof BodyTooLarge) return sendJson(res, 413, errorBody('PAYLOAD_TOO_LARGE', `Request body is larger than ${ADMIN_MAX_BODY_BYTES} bytes.`), true);
      throw err;
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return sendJson(res, 400, errorBody('BAD_REQUEST', 'The request body is not valid JSON.'));
    }
    const request = parseInvalidationRequest(body);
    if (!request.ok) return sendJson(res, 400, errorBody('BAD_REQUEST', `Invalid invalidation request: ${request.message}.`));

    const complete = await admin.invalidations.invalidate(request.targets);
    const facts = { targets: request.targets.length, by: caller.who };
    if (!complete) {
      logger.error(facts, 'cache invalidation not stored: the store refused markers; replicas may keep serving stale data');
      const message = 'The cache store did not take every invalidation marker: the invalidation may not have reached every replica. Retry once the store is available.';
      return sendJson(res, 503, errorBody('CACHE_STORE_UNAVAILABLE', message));
    }
    logger.info(facts, 'cache invalidated');
    sendJson(res, 200, JSON.stringify({ invalidated: request.targets.length }));
  };
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
