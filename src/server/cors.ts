import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from 'cors';
import type { CorsSettings } from '../config';

/**
 * Applies CORS to one request: sets the headers on its answer, and answers a preflight itself. Returns `true`
 * when the request was answered here (every OPTIONS), `false` when the route goes on to answer it.
 */
export type CorsPolicy = (req: IncomingMessage, res: ServerResponse) => boolean;

/**
 * Cross-origin reads: a page on another site must not read Junction's answers (least of all with its
 * visitor's cookies) unless its origin is allowed. Compiled once from `cors` / `admin.cors` into the `cors`
 * package (expressjs/cors) with a static origin list, which gives:
 *
 * - every OPTIONS answered 204 with no body, before the route runs: no authentication, limit, rate-limit
 *   budget or GraphQL work is spent on a preflight. A disallowed origin gets the same 204 without
 *   `Access-Control-Allow-Origin`, so the browser never sends the real request;
 * - an allowed origin echoed back (never `*`, unless `allowAny`), with `Vary: Origin` on every answer whatever
 *   the origin (a shared cache must not hand one origin's answer to another);
 * - the headers set before the route writes anything, so refusals (400, 401, 413, 429, 503, 500) carry them
 *   and the page can read why it was refused;
 * - `Access-Control-Allow-Headers` mirroring the preflight's `Access-Control-Request-Headers` (with
 *   `Vary: Access-Control-Request-Headers`) when `allowHeaders` is empty.
 *
 * `matchOrigins` must match the whole origin: `https://app\.example\.com` does not let
 * `https://app.example.com.evil.net` in (Apollo Router's unanchored match would).
 */
export function compileCors(settings: CorsSettings): CorsPolicy {
  const middleware = cors({
    origin: settings.allowAny ? '*' : allowedOrigins(settings),
    credentials: settings.allowCredentials,
    methods: [...settings.methods],
    allowedHeaders: settings.allowHeaders.length > 0 ? [...settings.allowHeaders] : undefined,
    exposedHeaders: [...settings.exposeHeaders],
    maxAge: settings.maxAgeSec,
    preflightContinue: false,
    optionsSuccessStatus: 204,
  });
  return (req, res) => {
    // No Origin: not a cross-origin browser request (browsers send it on every one), so no Access-Control-*
    // header can matter; only `Vary: Origin`, for shared caches. The common case for servers and tools.
    if (req.headers.origin === undefined && req.method !== 'OPTIONS') {
      res.setHeader('vary', 'Origin');
      return false;
    }
    let passed = false;
    middleware(req, res, (err?: unknown) => {
      if (err) throw err;
      passed = true;
    });
    // With static options the package decides synchronously: it has either ended the preflight or called next.
    if (!passed && !res.writableEnded) throw new Error('CORS: the request was neither answered nor passed on');
    return !passed;
  };
}

/** The allowed origins as the `cors` package takes them: exact strings, and each pattern anchored to the whole origin. */
function allowedOrigins(settings: CorsSettings): Array<string | RegExp> {
  return [...settings.origins, ...settings.matchOrigins.map((pattern) => new RegExp(`^(?:${pattern})$`))];
}

/**
 * Whether a page on `origin` may open a connection, by the same settings as CORS. For WebSockets: browsers
 * apply no same-origin policy to them, so without this check any site could open a socket with its visitor's
 * cookies and read the answers (cross-site WebSocket hijacking).
 */
export function compileOriginCheck(settings: CorsSettings): (origin: string) => boolean {
  if (settings.allowAny) return () => true;
  const exact = new Set(settings.origins);
  const patterns = allowedOrigins(settings).filter((o): o is RegExp => o instanceof RegExp);
  return (origin) => exact.has(origin) || patterns.some((pattern) => pattern.test(origin));
}
