import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SUBGRAPH_NAMES, startAllSubgraphs, type RunningFleet } from '../../../subgraphs';
import { readParts } from '../../helpers/multipart';
import { waitFor } from '../../helpers/waitFor';
import { postMultipart } from '../subscriptions/httpFixture';
import { postReview } from '../subscriptions/fixture';
import { seedYaml, startRegistryGateway, tempDir, type RegistryGateway } from './fixture';

const CLIENT_KEY_YAML = 'rateLimit:\n  clientKey: ["header:x-api-key", "ip"]\n';
const sdlOf = (name: string): string => readFileSync(join(__dirname, '../../../subgraphs', name, 'schema.graphql'), 'utf8');

/** A front for a subgraph that counts the requests it forwards: which variant's plan fetched from where. */
async function countingFront(target: string): Promise<{ url: string; count(): number; stop(): Promise<void> }> {
  let requests = 0;
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    requests++;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string' && !['host', 'connection', 'content-length'].includes(name)) headers[name] = value;
    const answer = await fetch(target, { method: 'POST', headers, body: Buffer.concat(chunks) });
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
    res.end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    count: () => requests,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const bodiesOf = (parts: unknown[]): string[] =>
  parts.flatMap((part) => {
    const body = (part as { payload?: { data?: { reviewAdded?: { body?: string } } } }).payload?.data?.reviewAdded?.body;
    return body ? [body] : [];
  });
const errorsOf = (parts: unknown[]): unknown[] => parts.filter((part) => (part as { payload?: { errors?: unknown } }).payload?.errors || (part as { errors?: unknown }).errors);

describe('subscriptions across a canary release', () => {
  let fleet: RunningFleet;
  let gateway: RegistryGateway;
  // The stable supergraph reaches accounts through one front, the candidate (same schema, another routing URL:
  // another supergraph) through another, so each variant's fetches are seen from outside the gateway.
  let stableFront: Awaited<ReturnType<typeof countingFront>>;
  let canaryFront: Awaited<ReturnType<typeof countingFront>>;
  beforeAll(async () => {
    fleet = await startAllSubgraphs();
    stableFront = await countingFront(fleet.byName.accounts.url);
    canaryFront = await countingFront(fleet.byName.accounts.url);
    const seed = seedYaml(SUBGRAPH_NAMES.map((name) => ({ name, url: name === 'accounts' ? stableFront.url : fleet.byName[name].url, sdl: sdlOf(name) })));
    gateway = await startRegistryGateway({ dataDir: tempDir(), seed, yaml: CLIENT_KEY_YAML });
    await gateway.junction.ready;
  });
  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([stableFront?.stop(), canaryFront?.stop()]);
    await fleet?.stop();
  });

  /** Which variant serves `client`: the front its query's accounts fetch went through. */
  async function variantOf(client: string): Promise<'stable' | 'canary'> {
    const before = canaryFront.count();
    const res = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': client }, body: JSON.stringify({ query: '{ topProducts(first: 1) { reviews { author { name } } } }' }) });
    expect(((await res.json()) as { errors?: unknown }).errors).toBeUndefined();
    return canaryFront.count() > before ? 'canary' : 'stable';
  }

  it('keeps each subscription on its variant while the release runs, and moves the canary ones to stable without failing them when it is aborted', async () => {
    const published = await gateway.admin('POST', '/admin/subgraphs/accounts', { url: canaryFront.url, sdl: sdlOf('accounts'), canary: 50 });
    expect(published.status).toBe(200);
    const clients = new Map<'stable' | 'canary', string>();
    for (let i = 0; i < 200 && clients.size < 2; i++) clients.set(await variantOf(`sub-${i}`), `sub-${i}`);
    expect(clients.size).toBe(2);

    const controller = new AbortController();
    const open = async (client: string) => readParts(await postMultipart(gateway.url, { query: 'subscription { reviewAdded { id body author { name } } }' }, { 'x-api-key': client }, controller.signal));
    const subscriptions: Array<{ parts: unknown[]; finished: Promise<unknown> }> = [];
    try {
      // The canary client's subscription alone: each event's author is fetched through the candidate's front.
      const canary = await open(clients.get('canary') as string);
      subscriptions.push(canary);
      let fronts = { stable: stableFront.count(), canary: canaryFront.count() };
      await waitFor(async () => {
        await postReview(fleet, '1', 'to the canary subscription');
        return bodiesOf(canary.parts).length > 0 ? true : undefined;
      }, 'the canary subscription to receive an event');
      expect(canaryFront.count()).toBeGreaterThan(fronts.canary);
      expect(stableFront.count()).toBe(fronts.stable);

      // The stable client's subscription beside it: from now on each event goes through both fronts.
      const stable = await open(clients.get('stable') as string);
      subscriptions.push(stable);
      let seen = { stable: bodiesOf(stable.parts).length, canary: bodiesOf(canary.parts).length };
      fronts = { stable: stableFront.count(), canary: canaryFront.count() };
      await waitFor(async () => {
        await postReview(fleet, '1', 'while the release runs');
        return bodiesOf(stable.parts).length > seen.stable && bodiesOf(canary.parts).length > seen.canary ? true : undefined;
      }, 'both subscriptions to receive an event');
      expect(stableFront.count()).toBeGreaterThan(fronts.stable);
      expect(canaryFront.count()).toBeGreaterThan(fronts.canary);

      // Aborted: the canary subscription carries on, planned on the stable supergraph (no fetch through the
      // candidate's front any more), and neither subscription sees an error.
      expect((await gateway.admin('POST', '/admin/canary/abort', {})).status).toBe(200);
      await waitFor(() => (gateway.junction.gateway.servedCanary === undefined ? true : undefined), 'the release to end');
      seen = { stable: bodiesOf(stable.parts).length, canary: bodiesOf(canary.parts).length };
      fronts = { stable: stableFront.count(), canary: canaryFront.count() };
      await waitFor(async () => {
        await postReview(fleet, '2', 'after the abort');
        return bodiesOf(stable.parts).length > seen.stable && bodiesOf(canary.parts).length > seen.canary ? true : undefined;
      }, 'both subscriptions to receive an event after the abort');
      expect(canaryFront.count()).toBe(fronts.canary);
      expect(stableFront.count()).toBeGreaterThan(fronts.stable);
      expect(errorsOf(stable.parts)).toEqual([]);
      expect(errorsOf(canary.parts)).toEqual([]);
    } finally {
      controller.abort();
      await Promise.allSettled(subscriptions.map((s) => s.finished));
    }
  }, 60_000);
});
