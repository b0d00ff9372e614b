import { request } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeSubgraphs } from '../../../src/composition';
import { runCli, spawnCli } from '../../helpers/cli';
import { writeTemp } from '../../helpers/gateway';
import { parsePrometheus, sampleValue } from '../../helpers/prometheus';
import { startRawServer } from '../../helpers/rawServer';
import { startTestSubgraph, type TestSubgraph } from '../../helpers/subgraph';
import { waitFor } from '../../helpers/waitFor';

const fed = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@listSize"])';
/** `items(first: n)` has an estimated cost of n. */
const SDL = `${fed} type Query { hello: String, items(first: Int!): [Item!]! @listSize(slicingArguments: ["first"]) } type Item { id: ID! }`;

/** One request on a connection of its own: node:cluster hands connections (not requests) to workers in turn. */
function call(url: string, method: 'GET' | 'POST', body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(url, { method, agent: false, headers: { ...headers, ...(payload ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) } : {}) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

async function send(url: string, count: number, query = '{ hello }'): Promise<number[]> {
  const statuses: number[] = [];
  // A few at a time, so both workers take connections while none is starved.
  for (let i = 0; i < count; i += 10) {
    const batch = await Promise.all(Array.from({ length: Math.min(10, count - i) }, () => call(url, 'POST', { query })));
    statuses.push(...batch.map((r) => r.status));
  }
  return statuses;
}

async function requestsCounted(metricsUrl: string): Promise<number> {
  const res = await call(metricsUrl, 'GET');
  expect(res.status).toBe(200);
  return sampleValue(parsePrometheus(res.text), 'junction_http_requests_total');
}

interface Ready {
  status: string;
  workers: { expected: number; live: number; supergraphs: Record<string, number> };
}

/** /ready's body when it answers 200, else undefined; whenever it says ready, both workers serve one and the same supergraph. */
async function readyOf(graphqlUrl: string): Promise<Ready | undefined> {
  const res = await call(graphqlUrl.replace(/\/graphql$/, '/ready'), 'GET');
  const body = JSON.parse(res.text) as Ready;
  if (res.status === 200) expect(Object.values(body.workers.supergraphs)).toEqual([2]);
  return res.status === 200 ? body : undefined;
}

describe('junction serve --workers 2 presents one gateway', () => {
  let subgraph: TestSubgraph;
  let supergraphSdl: string;

  beforeAll(async () => {
    subgraph = await startTestSubgraph('s', SDL, {
      Query: { hello: () => 'hi', items: (_: unknown, args: { first: number }) => Array.from({ length: args.first }, (_x, i) => ({ id: String(i) })) },
    });
    const composed = composeSubgraphs([subgraph]);
    if (!composed.ok) throw new Error('composition failed');
    supergraphSdl = composed.supergraphSdl;
  });
  afterAll(() => subgraph.stop());

  const serve = (yaml: string, supergraphPath = writeTemp('supergraph.graphql', supergraphSdl), logLevel = 'warn') => {
    const cli = spawnCli(['serve', '--supergraph', supergraphPath, '--config', writeTemp('gateway.yaml', yaml), '--port', '0', '--host', '127.0.0.1', '--workers', '2'], { LOG_LEVEL: logLevel });
    const pids = (): number[] => [...cli.output().matchAll(/worker (\d+) ready/g)].map((m) => Number(m[1]));
    const started = async (): Promise<string> => {
      const url = await waitFor(() => /listening on (http:\S+) \(2 workers\)/.exec(cli.output())?.[1], 'the supervisor to announce');
      await waitFor(() => (pids().length >= 2 ? true : undefined), 'two workers');
      return url;
    };
    return { cli, pids, started };
  };

  it('sums the request counter over workers, monotonic across scrapes and a worker restart', async () => {
    const { cli, pids, started } = serve('metrics:\n  enabled: true\n');
    try {
      const url = await started();
      const metricsUrl = url.replace(/\/graphql$/, '/metrics');
      const seen: number[] = [];
      for (let scrape = 0; scrape < 5; scrape++) {
        expect(await send(url, 40)).toEqual(Array(40).fill(200));
        seen.push(await requestsCounted(metricsUrl));
      }
      expect(seen).toEqual([40, 80, 120, 160, 200]);

      // A worker that dies takes its counts with it; the supervisor keeps its last ones in the sum.
      const [first] = pids();
      process.kill(first as number, 'SIGKILL');
      await waitFor(() => (pids().length >= 3 ? true : undefined), 'a replacement worker');
      expect(await requestsCounted(metricsUrl)).toBe(200);
      expect(await send(url, 20)).toEqual(Array(20).fill(200));
      expect(await requestsCounted(metricsUrl)).toBe(220);
    } finally {
      cli.child.kill('SIGTERM');
      await cli.exited;
    }
  });

  it('serves the sum on the metrics listener of its own, which the workers share', async () => {
    const { cli, started } = serve('metrics:\n  port: 0\n', undefined, 'info');
    try {
      const url = await started();
      const metricsUrls = await waitFor(() => {
        const urls = [...cli.output().matchAll(/"metricsUrl":"([^"]+)"/g)].map((m) => m[1] as string);
        return urls.length >= 2 ? urls : undefined;
      }, 'both workers to log their metrics URL');
      // node:cluster shares the listener as it shares the GraphQL port: one port, whichever worker answers.
      expect(new Set(metricsUrls).size).toBe(1);
      expect(await call(url.replace(/\/graphql$/, '/metrics'), 'GET')).toMatchObject({ status: 404 });
      expect(await send(url, 30)).toEqual(Array(30).fill(200));
      for (let scrape = 0; scrape < 4; scrape++) expect(await requestsCounted(metricsUrls[0] as string)).toBe(30);
    } finally {
      cli.child.kill('SIGTERM');
      await cli.exited;
    }
  });

  it('enforces a per-client limit once across workers (in-memory store)', async () => {
    const { cli, started } = serve('rateLimit:\n  enabled: true\n  windowSec: 3600\n  clientKey: [ip]\n  perClient:\n    requests: 50\n');
    try {
      const url = await started();
      const statuses = await send(url, 200);
      expect(statuses.filter((s) => s === 200)).toHaveLength(50);
      expect(statuses.filter((s) => s === 429)).toHaveLength(150);
    } finally {
      cli.child.kill('SIGTERM');
      await cli.exited;
    }
  });

  it('enforces a global cost budget once across workers (in-memory store)', async () => {
    const { cli, started } = serve('rateLimit:\n  enabled: true\n  windowSec: 3600\n  perClient:\n    requests: 0\n  global:\n    cost: 100\n');
    try {
      const url = await started();
      // Each costs 10: ten fit in the budget, whichever worker serves them.
      const statuses = await send(url, 40, '{ items(first: 10) { id } }');
      expect(statuses.filter((s) => s === 200)).toHaveLength(10);
      expect(statuses.filter((s) => s === 429)).toHaveLength(30);
    } finally {
      cli.child.kill('SIGTERM');
      await cli.exited;
    }
  });

  it('is ready once every worker serves the same supergraph, and a reload reaches both before /ready says so', async () => {
    const path = writeTemp('supergraph.graphql', supergraphSdl);
    const { cli, started } = serve('supergraph:\n  watch: true\n', path);
    try {
      const url = await started();
      const readyOn = (): Promise<Ready | undefined> => readyOf(url);
      const before = await waitFor(readyOn, 'the gateway to be ready');
      expect(before.workers.expected).toBe(2);
      const [oldId] = Object.keys(before.workers.supergraphs);

      const changed = composeSubgraphs([{ ...subgraph, sdl: SDL.replace('hello: String', 'hello: String, other: Int') }]);
      if (!changed.ok) throw new Error('composition failed');
      writeFileSync(path, changed.supergraphSdl);
      const after = await waitFor(async () => {
        const body = await readyOn();
        return body && !(oldId! in body.workers.supergraphs) ? body : undefined;
      }, 'both workers on the new supergraph', 20_000);
      expect(Object.keys(after.workers.supergraphs)).toHaveLength(1);
    } finally {
      cli.child.kill('SIGTERM');
      await cli.exited;
    }
  });
  it('follows the registry as one gateway: a seed once, a publish on every worker before /ready says so, one canary assignment', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'junction-workers-registry-'));
    const schemaFile = (name: string, sdl: string): string => {
      const file = join(dir, name);
      writeFileSync(file, sdl);
      return file;
    };
    const seedYaml = schemaFile('supergraph.yaml', `federation_version: =2.9.3\nsubgraphs:\n  s:\n    routing_url: ${subgraph.url}\n    schema:\n      file: ${schemaFile('s.graphql', SDL)}\n`);
    const token = 'workers-registry-admin-token-0123456789';
    const yaml = `registry:\n  enabled: true\n  dataDir: ${join(dir, 'registry')}\n  pollIntervalMs: 200\nadmin:\n  token:\n    value: ${token}\nrateLimit:\n  clientKey: ["header:x-api-key", "ip"]\n`;
    const { cli, started } = serve(yaml, seedYaml);
    try {
      const url = await started();
      const env = { JUNCTION_GATEWAY_URL: url.replace(/\/graphql$/, ''), JUNCTION_ADMIN_TOKEN: token };
      const readyBody = (): Promise<Ready | undefined> => readyOf(url);
      const before = await waitFor(readyBody, 'the gateway to be ready');
      const [seedId] = Object.keys(before.workers.supergraphs);

      // Two workers found the registry empty at once: it was seeded once.
      const history = await runCli(['history'], { env });
      expect(history.code).toBe(0);
      const versions = history.stdout.split('\n').filter((line) => /^\s*\*?\d+\s/.test(line));
      expect(versions).toHaveLength(1);
      expect(versions[0]).toMatch(/^\*1\s+\S+\s+seed\s/);

      // A publish reaches one worker over HTTP; the other follows the storage. /ready reports the new version
      // only once both serve it, and then every connection, whichever worker takes it, knows the new field.
      const v2 = SDL.replace('hello: String', 'hello: String, other: Int');
      expect((await runCli(['publish', 's', '--url', subgraph.url, '--schema', schemaFile('v2.graphql', v2)], { env })).code).toBe(0);
      await waitFor(async () => {
        const body = await readyBody();
        return body && !(seedId! in body.workers.supergraphs) ? body : undefined;
      }, 'both workers on the published supergraph', 20_000);
      const queryFields = async (headers: Record<string, string> = {}): Promise<string[]> => {
        const res = await call(url, 'POST', { query: '{ __type(name: "Query") { fields { name } } }' }, headers);
        expect(res.status).toBe(200);
        return (JSON.parse(res.text) as { data: { __type: { fields: Array<{ name: string }> } } }).data.__type.fields.map((f) => f.name).sort();
      };
      const answers = await Promise.all(Array.from({ length: 20 }, () => queryFields()));
      expect(answers).toEqual(Array(20).fill(['hello', 'items', 'other']));

      // A canary at 50 %: both workers assign each client the same variant (v3 has a field v2 has not).
      const v3 = v2.replace('other: Int', 'other: Int, fresh: Int');
      const canary = await runCli(['publish', 's', '--url', subgraph.url, '--schema', schemaFile('v3.graphql', v3), '--canary', '50'], { env });
      expect(canary.code).toBe(0);
      const variantOf = async (client: string): Promise<'canary' | 'stable'> => {
        return (await queryFields({ 'x-api-key': client })).includes('fresh') ? 'canary' : 'stable';
      };
      const clients = Array.from({ length: 40 }, (_x, i) => `client-${i}`);
      // Until both workers have heard of the release, a client may see stable on one of them.
      await waitFor(async () => {
        const seen = await Promise.all(clients.slice(0, 10).map(async (c) => new Set(await Promise.all([variantOf(c), variantOf(c), variantOf(c), variantOf(c)])).size));
        return seen.every((n) => n === 1) && (await Promise.all(clients.map(variantOf))).includes('canary') ? true : undefined;
      }, 'both workers to serve the canary', 20_000);
      const rounds = await Promise.all(clients.map(async (c) => new Set(await Promise.all(Array.from({ length: 6 }, () => variantOf(c))))));
      expect(rounds.filter((variants) => variants.size !== 1)).toEqual([]);
      const onCanary = rounds.filter((variants) => variants.has('canary')).length;
      expect(onCanary).toBeGreaterThan(8);
      expect(onCanary).toBeLessThan(32);

      expect((await runCli(['canary', 'abort'], { env })).code).toBe(0);
      await waitFor(async () => ((await Promise.all(clients.map(variantOf))).every((v) => v === 'stable') ? true : undefined), 'every client back on stable', 20_000);
    } finally {
      cli.child.kill('SIGTERM');
      await cli.exited;
    }
  }, 90_000);
  it('invalidates the in-memory caches of every worker before the admin API answers', async () => {
    // A subgraph whose answers may be cached for a minute; each request it receives is a cache miss upstream.
    const cacheable = await startRawServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'public, max-age=60' });
      res.end('{"data":{"hello":"hi"}}');
    });
    const composed = composeSubgraphs([{ name: 'c', url: cacheable.url, sdl: `${fed} type Query { hello: String }` }]);
    if (!composed.ok) throw new Error('composition failed');
    const token = 'workers-invalidation-admin-token-0123456789';
    const { cli, started } = serve(`cache:\n  response:\n    enabled: true\nadmin:\n  token:\n    value: ${token}\n`, writeTemp('supergraph.graphql', composed.supergraphSdl));
    try {
      const url = await started();
      await waitFor(() => readyOf(url), 'the gateway to be ready');
      // Connections are dealt to the workers in turn: 20 fill and then hit both workers' caches.
      const fill = async (): Promise<number> => {
        const before = cacheable.hits();
        const answers = await Promise.all(Array.from({ length: 20 }, () => call(url, 'POST', { query: '{ hello }' })));
        expect(answers.map((a) => [a.status, JSON.parse(a.text)])).toEqual(Array(20).fill([200, { data: { hello: 'hi' } }]));
        return cacheable.hits() - before;
      };
      await waitFor(async () => ((await fill()) === 0 ? true : undefined), 'both workers to answer from their caches');

      const invalidated = await call(url.replace(/\/graphql$/, '/admin/cache/invalidate'), 'POST', { targets: [{ subgraph: 'c' }] }, { authorization: `Bearer ${token}` });
      expect(invalidated).toMatchObject({ status: 200 });
      // One request reached one worker; both workers' entries are stale now: each fetches once more (2 misses
      // coalesced per worker at most), then serves from its cache again.
      const refetched = await fill();
      expect(refetched).toBeGreaterThanOrEqual(2);
      expect(await fill()).toBe(0);
    } finally {
      cli.child.kill('SIGTERM');
      await cli.exited;
      await cacheable.stop();
    }
  });
});
