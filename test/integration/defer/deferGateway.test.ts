import { startJunction, type Junction } from '../../../src/server';
import { startAllSubgraphs, type RunningFleet } from '../../../subgraphs';
import { postGraphQL, testConfig } from '../../helpers/gateway';
import { captureLogs } from '../../helpers/logCapture';
import { parsePrometheus, sampleValue } from '../../helpers/prometheus';
import { waitFor } from '../../helpers/waitFor';
import { sampleSupergraph } from '../subscriptions/fixture';
import { DEFER_ACCEPT, MULTIPART_DEFER_TYPE, readParts } from './deferFixture';

/** shippingEstimate needs products' price and weight (@requires) from inventory: a deferred fetch of its own. */
const SHIP = 'query Ship { topProducts { name ... @defer(label: "ship") { shippingEstimate } } }';

interface Product {
  name: string;
  shippingEstimate?: number | null;
}
type Part = { data?: { topProducts: Product[] }; errors?: unknown; hasNext: boolean; incremental?: Array<{ data: Product; path: [string, number]; label?: string; errors?: unknown }> };

const postDefer = (url: string, query: string, accept = DEFER_ACCEPT) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept }, body: JSON.stringify({ query }) });

/** The parts of a multipart answer, once it has ended. */
async function allParts(res: Response): Promise<Part[]> {
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe(MULTIPART_DEFER_TYPE);
  const { parts, finished } = await readParts(res);
  await finished;
  return parts as Part[];
}

/** Merges incremental parts into the primary data, as a client does. */
function merged(parts: Part[]): { topProducts: Product[] } {
  const data = structuredClone(parts[0]?.data) as { topProducts: Product[] };
  for (const part of parts.slice(1)) for (const inc of part.incremental ?? []) Object.assign(data.topProducts[inc.path[1]] as Product, inc.data);
  return data;
}

describe('@defer through the gateway over multipart HTTP (sample subgraphs)', () => {
  let fleet: RunningFleet;
  let supergraphSdl: string;
  const junctions: Junction[] = [];
  const start = async (yaml?: string) => {
    const logs = captureLogs('info');
    const junction = await startJunction({ config: testConfig(yaml), supergraph: { sdl: supergraphSdl }, logger: logs.logger });
    junctions.push(junction);
    await junction.ready;
    return { junction, url: junction.url, lines: () => logs.lines.filter((line) => line.msg === 'request') };
  };

  beforeAll(async () => {
    fleet = await startAllSubgraphs();
    supergraphSdl = sampleSupergraph(fleet);
  });
  afterAll(async () => {
    await Promise.all(junctions.map((j) => j.stop()));
    await fleet?.stop();
  });

  it('answers the primary part first, then the deferred fragment at each product, labelled; the access log counts the parts', async () => {
    const gateway = await start();
    const parts = await allParts(await postDefer(gateway.url, SHIP));
    const [primary, ...rest] = parts;
    expect(primary?.hasNext).toBe(true);
    const products = primary?.data?.topProducts ?? [];
    expect(products.length).toBeGreaterThan(1);
    for (const product of products) expect(product).toEqual({ name: expect.any(String) });
    expect(rest.length).toBeGreaterThan(0);
    expect(rest.at(-1)?.hasNext).toBe(false);
    const incremental = rest.flatMap((part) => part.incremental ?? []);
    expect(incremental.map((inc) => inc.path).sort()).toEqual(products.map((_p, i) => ['topProducts', i]).sort());
    for (const inc of incremental) {
      expect(inc.label).toBe('ship');
      expect(inc.data).toEqual({ shippingEstimate: expect.any(Number) });
    }
    // The whole answer the same query gets without the multipart Accept.
    const whole = await postGraphQL(gateway.url, { query: SHIP });
    expect(whole.headers.get('content-type')).toMatch(/^application\/json/);
    expect(whole.body).toEqual({ data: merged(parts) });

    const line = await waitFor(() => gateway.lines().find((l) => l.operationName === 'Ship' && l.parts !== undefined), 'the access-log line of the multipart answer');
    expect(line).toMatchObject({ status: 200, operationType: 'query', parts: parts.length });
    const wholeLine = await waitFor(() => gateway.lines().filter((l) => l.operationName === 'Ship')[1], 'the line of the whole answer');
    expect(wholeLine.parts).toBeUndefined();
    // Counted once each, however many parts.
    const metrics = parsePrometheus(await (await fetch(gateway.junction.metricsUrl as string)).text());
    expect(sampleValue(metrics, 'junction_http_requests_total', { operation_name: 'Ship', operation_type: 'query', status: '200', client_name: '' })).toBe(2);
  });

  it('answers one JSON when nothing is deferred, even to a client taking parts', async () => {
    const gateway = await start();
    const res = await postDefer(gateway.url, '{ topProducts(first: 1) { name } }');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ data: { topProducts: [{ name: expect.any(String) }] } });
  });

  it('with the response cache on, never stores a multipart answer (nor its placeholder)', async () => {
    const gateway = await start('cache:\n  response:\n    enabled: true\n');
    const first = await allParts(await postDefer(gateway.url, SHIP));
    // Again in parts, not a stored answer: the first one left nothing in the cache.
    const second = await allParts(await postDefer(gateway.url, SHIP));
    expect(merged(second)).toEqual(merged(first));
    // A client without the multipart Accept gets everything, computed (no Age), not the engine's `{}` placeholder.
    const whole = await postGraphQL(gateway.url, { query: SHIP });
    expect(whole.headers.get('age')).toBeNull();
    expect(whole.body).toEqual({ data: merged(first) });
    // That whole answer is stored; it may then serve a client taking parts (one result is a valid answer to it).
    const res = await postDefer(gateway.url, SHIP);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('age')).toMatch(/^\d+$/);
    expect(await res.json()).toEqual({ data: merged(first) });
  });
});
