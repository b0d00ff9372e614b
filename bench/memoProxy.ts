import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';

/** Most distinct request bodies remembered per subgraph (the distinct-operations run stays within it). */
const MAX_ENTRIES = 50_000;

interface Memo {
  status: number;
  /** The subgraph's response headers, less those about this connection and framing. */
  headers: Record<string, string>;
  body: Buffer;
}

// Per-connection or framing headers: the proxy's own server sets them for its answer.
const NOT_REPLAYED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'date']);

export interface MemoProxyOptions {
  /** Remember answers (default); false: every request reaches the subgraph (--real-subgraphs). */
  memo?: boolean;
  /** Answer with this Cache-Control instead of the subgraph's (the cache-hit workloads: every answer public). */
  cacheControl?: string;
}

/**
 * A front for one sample subgraph that answers a request body it has seen before with the bytes the real
 * subgraph gave the first time. The benchmark measures gateways: with Node subgraphs on a 2-core machine,
 * the subgraphs' own CPU would otherwise cap both gateways' throughput and latency (as fast subgraphs, e.g.
 * the Rust ones in The Guild's benchmark, would not). Both gateways get the same front; the first answer to
 * every request is the real subgraph's, and its headers are replayed too: Cache-Control (and any cache tags)
 * drive the gateways' caches. `--real-subgraphs` turns it off.
 */
export async function startMemoProxy(targetUrl: string, options: MemoProxyOptions = {}): Promise<{ url: string; stop(): Promise<void> }> {
  const remember = options.memo ?? true;
  const target = new URL(targetUrl);
  const pool = new Pool(target.origin, { connections: 64 });
  const memo = new Map<string, Memo>();
  const server = createServer(async (req, res) => {
    try {
      const body = await readAll(req);
      const key = `${req.method ?? 'GET'} ${req.url ?? ''} ${body}`;
      let hit = memo.get(key);
      if (!hit) {
        const upstream = await pool.request({
          path: target.pathname + (req.url?.includes('?') ? req.url.slice(req.url.indexOf('?')) : ''),
          method: (req.method ?? 'GET') as 'GET' | 'POST',
          headers: { 'content-type': String(req.headers['content-type'] ?? 'application/json'), accept: String(req.headers.accept ?? 'application/json') },
          body: req.method === 'POST' ? body : undefined,
        });
        hit = { status: upstream.statusCode, headers: replayable(upstream.headers), body: Buffer.from(await upstream.body.arrayBuffer()) };
        if (options.cacheControl !== undefined) hit.headers['cache-control'] = options.cacheControl;
        if (remember && hit.status === 200 && memo.size < MAX_ENTRIES) memo.set(key, hit);
      }
      res.writeHead(hit.status, { ...hit.headers, 'content-length': hit.body.length });
      res.end(hit.body);
    } catch {
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end('{"errors":[{"message":"memo proxy: subgraph unreachable"}]}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${target.pathname}`,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.close();
    },
  };
}

function replayable(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !NOT_REPLAYED.has(name.toLowerCase())) kept[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return kept;
}

async function readAll(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
