import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startJunction, type Junction } from '../../../src/server';
import { postGraphQL, testConfig } from '../../helpers/gateway';
import { captureLogs } from '../../helpers/logCapture';
import { startTestSubgraph, type TestSubgraph } from '../../helpers/subgraph';
import { waitFor } from '../../helpers/waitFor';

const fed = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';

describe('a gateway serving a supergraph.yaml', () => {
  let subgraph: TestSubgraph;
  let junction: Junction;
  let dir: string;
  let schemaFile: string;
  const logs = captureLogs();

  beforeAll(async () => {
    subgraph = await startTestSubgraph('s', `${fed} type Query { a: String b: String }`, { Query: { a: () => 'A', b: () => 'B' } });
    dir = mkdtempSync(join(tmpdir(), 'junction-watch-'));
    schemaFile = join(dir, 's.graphql');
    // Starts broken: the schema file has a syntax error, so nothing can be served yet.
    writeFileSync(schemaFile, 'type Query {');
    writeFileSync(join(dir, 'supergraph.yaml'), `subgraphs:\n  s:\n    routing_url: ${subgraph.url}\n    schema:\n      file: ./s.graphql\n`);
    junction = await startJunction({ config: testConfig(), supergraph: { path: join(dir, 'supergraph.yaml') }, logger: logs.logger });
  });
  afterAll(async () => {
    await junction.stop();
    await subgraph.stop();
  });

  const health = async () => (await fetch(junction.url.replace('/graphql', '/health'))).status;

  it('answers 503 on /health and SCHEMA_NOT_LOADED on /graphql until a supergraph composes', async () => {
    expect(await health()).toBe(503);
    const res = await postGraphQL(junction.url, { query: '{ a }' });
    expect(res.status).toBe(503);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('SCHEMA_NOT_LOADED');
    expect(logs.lines.some((l) => String(l.msg).startsWith('supergraph could not be loaded'))).toBe(true);
  });

  it('composes and serves as soon as the schema file is fixed', async () => {
    writeFileSync(schemaFile, `${fed} type Query { a: String }`);
    await waitFor(async () => ((await health()) === 200 ? true : undefined), 'health 200');
    await junction.ready;
    expect((await postGraphQL(junction.url, { query: '{ a }' })).body).toEqual({ data: { a: 'A' } });
  });

  it('re-composes when a referenced schema file changes', async () => {
    writeFileSync(schemaFile, `${fed} type Query { a: String b: String }`);
    const res = await waitFor(async () => {
      const r = await postGraphQL(junction.url, { query: '{ a b }' });
      return r.status === 200 ? r : undefined;
    }, 'field b to appear');
    expect(res.body).toEqual({ data: { a: 'A', b: 'B' } });
  });

  it('keeps serving the last good supergraph when a change does not compose', async () => {
    const failuresBefore = logs.lines.filter((l) => String(l.msg).startsWith('supergraph could not be loaded')).length;
    writeFileSync(schemaFile, `${fed} type Query { a: String b: NoSuchType }`);
    await waitFor(() => (logs.lines.filter((l) => String(l.msg).startsWith('supergraph could not be loaded')).length > failuresBefore ? true : undefined), 'the failure to be logged');
    const failure = logs.lines.filter((l) => String(l.msg).startsWith('supergraph could not be loaded')).pop();
    expect(String((failure?.problems as string[])[0])).toContain('NoSuchType');
    expect(await health()).toBe(200);
    expect((await postGraphQL(junction.url, { query: '{ a b }' })).body).toEqual({ data: { a: 'A', b: 'B' } });
  });
});
