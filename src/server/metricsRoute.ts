import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { errorBody } from '../errors';
import type { Logger, Metrics } from '../observability';
import { sendJson } from './graphqlRoute';

export interface MetricsRouteOptions {
  metrics: Metrics;
  /** `metrics.token`: when set, scrapers must send `Authorization: Bearer <token>`. */
  token: string | undefined;
  /** Where the text comes from when not `metrics.render()`: with --workers, the supervisor's sum over workers. */
  render?: (() => Promise<string>) | undefined;
}

/**
 * GET /metrics: the Prometheus text format. Metrics name operations, clients and subgraphs — reconnaissance
 * for an attacker — so a token can be required (compared in constant time), or the route moved to a listener
 * of its own (`metrics.port` / `metrics.host`; in production without a token, 127.0.0.1:9090 by default).
 */
export function metricsRoute(options: MetricsRouteOptions): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const expected = options.token === undefined ? undefined : digest(options.token);
  return async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return sendJson(res, 405, errorBody('METHOD_NOT_ALLOWED', 'Use GET for /metrics.'));
    }
    if (expected) {
      const header = req.headers.authorization ?? '';
      const given = header.toLowerCase().startsWith('bearer ') ? header.slice(7).trim() : '';
      if (!timingSafeEqual(digest(given), expected)) {
        res.setHeader('www-authenticate', 'Bearer');
        return sendJson(res, 401, errorBody('UNAUTHENTICATED', 'Unauthenticated: /metrics needs Authorization: Bearer <metrics token>.'));
      }
    }
    const text = await (options.render ?? options.metrics.render)();
    res.statusCode = 200;
    res.setHeader('content-type', options.metrics.contentType);
    res.setHeader('cache-control', 'no-store');
    res.end(req.method === 'HEAD' ? undefined : text);
  };
}

/** The metrics' own listener (`metrics.port` / `metrics.host`): it answers only the metrics path. */
export function createMetricsServer(path: string, handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>, logger: Logger): Server {
  return createServer((req, res) => {
    const route = (req.url ?? '/').split('?')[0];
    if (route !== path) return sendJson(res, 404, errorBody('NOT_FOUND', `No route for ${req.method ?? 'GET'} ${route}.`));
    handle(req, res).catch((err: unknown) => {
      logger.error({ err }, 'unhandled error while answering /metrics');
      if (!res.headersSent) sendJson(res, 500, errorBody('INTERNAL_SERVER_ERROR', 'Internal server error'));
      else res.destroy();
    });
  });
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
