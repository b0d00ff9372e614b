import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { composeSubgraphs } from '../../../src/composition';
import { startJunction } from '../../../src/server';
import { postGraphQL, startGatewayFor, startGatewayOn, testConfig, writeTemp, type TestGateway } from '../../helpers/gateway';
import { devToken } from '../../helpers/identity';
import { captureLogs } from '../../helpers/logCapture';
import type { TestSubgraph } from '../../helpers/subgraph';
import { waitFor } from '../../helpers/waitFor';
import { apq, manifest, sha256, startCatalog } from './fixture';

const LISTED = 'query Listed { product(id: "1") { id name } }';
const WEB_ONLY = 'query WebOnly { products { id } }';
const UNLISTED = 'query Unlisted { product(id: "2") { name } }';
const LISTED_DATA = { product: { id: '1', name: 'Product 1' } };

const code = (res: { body: { errors?: Array<{ extensions?: Record<string, unknown> }> } }) => res.body.errors?.[0]?.extensions?.code;

describe('trusted documents', () => {
  let catalog: TestSubgraph;
  let manifestPath: string;

  beforeAll(async () => {
    catalog = await startCatalog();
    manifestPath = writeTemp('manifest.json', manifest([{ body: LISTED, name: 'Listed' }, { body: WEB_ONLY, name: 'WebOnly', clientName: 'web' }]));
  });
  afterAll(() => catalog?.stop());

  const gatewayWith = (yaml: string) => startGatewayFor([catalog], `persistedQueries:\n  manifests:\n    - path: ${manifestPath}\n${yaml}`);

  describe('mode off (default): manifests resolve ids, anything else runs', () => {
    let gateway: TestGateway;
    beforeAll(async () => (gateway = await gatewayWith('')));
    afterAll(() => gateway?.stop());

    it('runs a listed id, an unlisted free-form query, and a listed id sent as documentId', async () => {
      expect((await postGraphQL(gateway.url, { extensions: apq(LISTED) })).body).toEqual({ data: LISTED_DATA });
      expect((await postGraphQL(gateway.url, { documentId: sha256(LISTED) })).body).toEqual({ data: LISTED_DATA });
      expect((await postGraphQL(gateway.url, { query: UNLISTED })).body).toEqual({ data: { product: { name: 'Product 2' } } });
    });
  });

  describe('mode log_unknown', () => {
    let gateway: TestGateway;
    const logs = captureLogs('warn');
    let catalogUrl: string;
    beforeAll(async () => {
      catalogUrl = catalog.url;
      const composed = composeSubgraphs([{ name: 'catalog', url: catalogUrl, sdl: catalog.sdl }]);
      if (!composed.ok) throw new Error('composition failed');
      const junction = await startJunction({
        config: testConfig(`persistedQueries:\n  mode: log_unknown\n  manifests:\n    - path: ${manifestPath}\n`),
        supergraph: { sdl: composed.supergraphSdl },
        logger: logs.logger,
      });
      await junction.ready;
      gateway = { junction, url: junction.url, post: (q) => postGraphQL(junction.url, { query: q }), stop: () => junction.stop() };
    });
    afterAll(() => gateway?.stop());

    it('serves unknown operations, counts every one and logs each distinct one once', async () => {
      const before = gateway.junction.operations.stats.unknownOperations;
      for (let i = 0; i < 3; i++) expect((await gateway.post(UNLISTED)).body.data).toEqual({ product: { name: 'Product 2' } });
      expect((await gateway.post(LISTED)).body.data).toEqual(LISTED_DATA);
      expect(gateway.junction.operations.stats.unknownOperations - before).toBe(3);
      const logged = logs.lines.filter((l) => l.msg === 'operation not in any persisted-query manifest (log_unknown)');
      expect(logged).toHaveLength(1);
      expect(logged[0]?.operationHash).toBe(sha256(UNLISTED));
    });

    it('still lets APQ register unlisted operations (and counts them as unknown)', async () => {
      const before = gateway.junction.operations.stats.unknownOperations;
      const q = '{ product(id: "9") { id } }';
      expect((await postGraphQL(gateway.url, { query: q, extensions: apq(q) })).body.data).toEqual({ product: { id: '9' } });
      expect((await postGraphQL(gateway.url, { extensions: apq(q) })).body.data).toEqual({ product: { id: '9' } });
      expect(gateway.junction.operations.stats.unknownOperations - before).toBe(2);
    });
  });

  describe('mode safelist', () => {
    let gateway: TestGateway;
    beforeAll(async () => (gateway = await gatewayWith('  mode: safelist\n')));
    afterAll(() => gateway?.stop());

    it('runs a listed id (sha256Hash, documentId, documentId with sha256:) and a byte-identical listed body', async () => {
      expect((await postGraphQL(gateway.url, { extensions: apq(LISTED) })).body).toEqual({ data: LISTED_DATA });
      expect((await postGraphQL(gateway.url, { documentId: sha256(LISTED) })).body).toEqual({ data: LISTED_DATA });
      expect((await postGraphQL(gateway.url, { documentId: `sha256:${sha256(LISTED)}` })).body).toEqual({ data: LISTED_DATA });
      expect((await postGraphQL(gateway.url, { query: LISTED })).body).toEqual({ data: LISTED_DATA });
    });

    it('refuses a free-form body that is not byte-identical to a listed one (400 QUERY_NOT_IN_SAFELIST)', async () => {
      for (const query of [UNLISTED, `${LISTED} `, LISTED.replace('  ', ' ').replace('{ id name }', '{ name id }')]) {
        const res = await postGraphQL(gateway.url, { query });
        expect(res.status).toBe(400);
        expect(code(res)).toBe('QUERY_NOT_IN_SAFELIST');
        expect(res.body.data).toBeUndefined();
      }
    });

    it('refuses an unlisted id, and does not let APQ register an unlisted operation (400 PERSISTED_QUERY_NOT_IN_LIST)', async () => {
      const unknown = await postGraphQL(gateway.url, { extensions: apq(UNLISTED) });
      expect(unknown.status).toBe(400);
      expect(code(unknown)).toBe('PERSISTED_QUERY_NOT_IN_LIST');
      expect(code(await postGraphQL(gateway.url, { query: UNLISTED, extensions: apq(UNLISTED) }))).toBe('PERSISTED_QUERY_NOT_IN_LIST');
      expect(code(await postGraphQL(gateway.url, { documentId: 'no-such-id' }))).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    });

    it('refuses a listed id sent with a different body (400 PERSISTED_QUERY_HASH_MISMATCH)', async () => {
      const res = await postGraphQL(gateway.url, { query: UNLISTED, extensions: apq(LISTED) });
      expect(res.status).toBe(400);
      expect(code(res)).toBe('PERSISTED_QUERY_HASH_MISMATCH');
    });

    it('applies over GET too', async () => {
      const listed = await fetch(`${gateway.url}?documentId=${sha256(LISTED)}`, { headers: { 'apollo-require-preflight': 'true' } });
      expect(await listed.json()).toEqual({ data: LISTED_DATA });
      const unlisted = await fetch(`${gateway.url}?query=${encodeURIComponent(UNLISTED)}`, { headers: { 'apollo-require-preflight': 'true' } });
      expect(unlisted.status).toBe(400);
      expect(((await unlisted.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]?.extensions.code).toBe('QUERY_NOT_IN_SAFELIST');
    });
  });

  describe('mode require_id', () => {
    let gateway: TestGateway;
    beforeAll(async () => (gateway = await gatewayWith('  mode: require_id\n')));
    afterAll(() => gateway?.stop());

    it('runs listed ids only; any body is refused (400 PERSISTED_QUERY_ID_REQUIRED), listed or not', async () => {
      expect((await postGraphQL(gateway.url, { extensions: apq(LISTED) })).body).toEqual({ data: LISTED_DATA });
      for (const query of [LISTED, UNLISTED]) {
        const res = await postGraphQL(gateway.url, { query });
        expect(res.status).toBe(400);
        expect(code(res)).toBe('PERSISTED_QUERY_ID_REQUIRED');
      }
      expect(code(await postGraphQL(gateway.url, { extensions: apq(UNLISTED) }))).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    });
  });

  describe('client-name scoping', () => {
    let gateway: TestGateway;
    beforeAll(async () => (gateway = await gatewayWith('  mode: safelist\n  scopeByClientName: true\n')));
    afterAll(() => gateway?.stop());

    it('accepts an id listed for a client only from that client; unscoped entries from anyone', async () => {
      const web = { 'apollographql-client-name': 'web' };
      const ios = { 'apollographql-client-name': 'ios' };
      expect((await postGraphQL(gateway.url, { extensions: apq(WEB_ONLY) }, web)).body.data).toEqual({ products: [{ id: '1' }, { id: '2' }, { id: '3' }] });
      expect(code(await postGraphQL(gateway.url, { extensions: apq(WEB_ONLY) }, ios))).toBe('PERSISTED_QUERY_NOT_IN_LIST');
      expect(code(await postGraphQL(gateway.url, { extensions: apq(WEB_ONLY) }))).toBe('PERSISTED_QUERY_NOT_IN_LIST');
      expect(code(await postGraphQL(gateway.url, { query: WEB_ONLY }, ios))).toBe('QUERY_NOT_IN_SAFELIST');
      expect((await postGraphQL(gateway.url, { extensions: apq(LISTED) }, ios)).body.data).toEqual(LISTED_DATA);
    });
  });

  describe('bypass for internal tools', () => {
    let gateway: TestGateway;
    const secret = 'internal-tools-secret-0123456789';
    beforeAll(
      async () =>
        (gateway = await gatewayWith(`  mode: require_id\n  bypass:\n    scopes: [graphql:internal]\n    header:\n      name: X-Junction-Bypass\n      value: ${secret}\n`)),
    );
    afterAll(() => gateway?.stop());

    it('lets the configured header or scope run any operation; a wrong header value or another scope does not', async () => {
      expect((await postGraphQL(gateway.url, { query: UNLISTED }, { 'x-junction-bypass': secret })).body.data).toEqual({ product: { name: 'Product 2' } });
      expect(code(await postGraphQL(gateway.url, { query: UNLISTED }, { 'x-junction-bypass': `${secret}x` }))).toBe('PERSISTED_QUERY_ID_REQUIRED');
      const internal = await devToken('tool', ['graphql:internal']);
      expect((await postGraphQL(gateway.url, { query: UNLISTED }, { authorization: `Bearer ${internal}` })).body.data).toEqual({ product: { name: 'Product 2' } });
      const other = await devToken('user', ['read:email']);
      expect(code(await postGraphQL(gateway.url, { query: UNLISTED }, { authorization: `Bearer ${other}` }))).toBe('PERSISTED_QUERY_ID_REQUIRED');
    });
  });

  describe('manifest reloads', () => {
    it('picks up a changed manifest file without a restart, and keeps the last good one when the new one is malformed', async () => {
      const path = writeTemp('manifest.json', manifest([{ body: LISTED }]));
      const composed = composeSubgraphs([{ name: 'catalog', url: catalog.url, sdl: catalog.sdl }]);
      if (!composed.ok) throw new Error('composition failed');
      const logs = captureLogs();
      const junction = await startJunction({ config: testConfig(`persistedQueries:\n  mode: safelist\n  manifests:\n    - path: ${path}\n`), supergraph: { sdl: composed.supergraphSdl }, logger: logs.logger });
      try {
        await junction.ready;
        expect(code(await postGraphQL(junction.url, { query: UNLISTED }))).toBe('QUERY_NOT_IN_SAFELIST');
        writeFileSync(path, manifest([{ body: LISTED }, { body: UNLISTED }]));
        await waitFor(async () => ((await postGraphQL(junction.url, { query: UNLISTED })).body.data ? true : undefined), 'the new manifest to be served');
        writeFileSync(path, '{ "format": "apollo-persisted-query-manifest", "version": 1, "operations": [ { "id": ');
        const failure = await waitFor(() => logs.lines.find((l) => l.msg === 'manifest reload failed; keeping the last good manifests'), 'the malformed manifest to be refused');
        expect(failure.manifest).toBe(path);
        expect((await postGraphQL(junction.url, { query: UNLISTED })).body.data).toEqual({ product: { name: 'Product 2' } });
        expect((await postGraphQL(junction.url, { query: LISTED })).body.data).toEqual(LISTED_DATA);
      } finally {
        await junction.stop();
      }
    });

    it('loads a manifest from a URL and polls it (If-None-Match)', async () => {
      let body = manifest([{ body: LISTED }]);
      const seen: Array<string | undefined> = [];
      const server: Server = createServer((req, res) => {
        seen.push(req.headers['if-none-match']);
        const etag = `"${sha256(body)}"`;
        if (req.headers['if-none-match'] === etag) return void res.writeHead(304).end();
        res.writeHead(200, { 'content-type': 'application/json', etag }).end(body);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/manifest.json`;
      const gateway = await startGatewayFor([catalog], `persistedQueries:\n  mode: safelist\n  pollIntervalMs: 1000\n  manifests:\n    - url: ${url}\n`);
      try {
        expect((await postGraphQL(gateway.url, { query: LISTED })).body.data).toEqual(LISTED_DATA);
        expect(code(await postGraphQL(gateway.url, { query: UNLISTED }))).toBe('QUERY_NOT_IN_SAFELIST');
        await waitFor(() => (seen.length >= 2 ? true : undefined), 'a second poll');
        expect(seen[1]).toBe(`"${sha256(body)}"`);
        body = manifest([{ body: LISTED }, { body: UNLISTED }]);
        await waitFor(async () => ((await postGraphQL(gateway.url, { query: UNLISTED })).body.data ? true : undefined), 'the changed manifest to be served');
      } finally {
        await gateway.stop();
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    });

    it('refuses to start when a manifest cannot be loaded, naming the problem', async () => {
      const bad = writeTemp('manifest.json', JSON.stringify({ format: 'something-else', version: 1, operations: [] }));
      const composed = composeSubgraphs([{ name: 'catalog', url: catalog.url, sdl: catalog.sdl }]);
      if (!composed.ok) throw new Error('composition failed');
      const start = (path: string) =>
        startJunction({ config: testConfig(`persistedQueries:\n  mode: safelist\n  manifests:\n    - path: ${path}\n`), supergraph: { sdl: composed.supergraphSdl }, logger: captureLogs().logger });
      await expect(start(bad)).rejects.toThrow(/format.*apollo-persisted-query-manifest/);
      await expect(start(`${bad}.missing`)).rejects.toThrow(/cannot be read/);
      const conflicting = writeTemp('manifest.json', manifest([{ body: LISTED, id: 'same' }, { body: UNLISTED, id: 'same' }]));
      await expect(start(conflicting)).rejects.toThrow(/listed earlier with a different body/);
    });
  });

  describe('prewarm', () => {
    it('plans every manifest operation before the first request, and again for a new supergraph before it goes live', async () => {
      const operations = [{ body: LISTED }, { body: WEB_ONLY }, { body: 'query Two { a: product(id: "1") { id } } query Three { products { name } }', name: 'Three' }];
      const path = writeTemp('manifest.json', manifest(operations));
      const composed = composeSubgraphs([{ name: 'catalog', url: catalog.url, sdl: catalog.sdl }]);
      if (!composed.ok) throw new Error('composition failed');
      const supergraphPath = writeTemp('supergraph.graphql', composed.supergraphSdl);
      const gateway = await startGatewayOn({ path: supergraphPath }, `persistedQueries:\n  mode: safelist\n  manifests:\n    - path: ${path}\n`);
      try {
        const first = gateway.junction.gateway.current;
        expect(first?.plans.size).toBe(3);
        // The prewarmed plans are the ones requests use: no new plan-cache entry.
        expect((await postGraphQL(gateway.url, { extensions: apq(LISTED) })).body.data).toEqual(LISTED_DATA);
        expect((await postGraphQL(gateway.url, { query: operations[2]?.body, operationName: 'Three' })).body.data).toEqual({ products: [{ name: 'Product 1' }, { name: 'Product 2' }, { name: 'Product 3' }] });
        expect(first?.plans.size).toBe(3);

        // A new supergraph (another description) is warmed before it replaces the old one.
        writeFileSync(supergraphPath, composed.supergraphSdl.replace('type Product', '"A product."\ntype Product'));
        const second = await waitFor(() => (gateway.junction.gateway.current !== first ? gateway.junction.gateway.current : undefined), 'the new supergraph');
        expect(second?.plans.size).toBe(3);
      } finally {
        await gateway.stop();
      }
    });
  });
});
