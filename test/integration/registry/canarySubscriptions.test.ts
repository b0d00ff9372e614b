import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SUBGRAPH_NAMES, startAllSubgraphs, type RunningFleet } from '../../../subgraphs';
import { readParts } from '../../helpers/multipart';
import { waitFor } from '../../helpers/waitFor';
import { postMultipart } from '../subscriptions/httpFixture';
import { postReview } from '../subscriptions/fixture';
import { seedYaml, startRegistryGateway, tempDir, type RegistryGateway } from './fixture';

const CLIENT_KEY_YAML = 'rateLimit:\n  clientKey: ["header:x-api-key", "ip"]\n';
const sdlOf = (name: string): string => readFileSync(join(__dirname, '../../../subgraphs', name, 'schema.graphql'), 'utf8');
// The candidate: accounts answers one more root field (its clients see it in the schema).
const ACCOUNTS_V2 = sdlOf('accounts').replace(/type Query \{/, 'type Query {\n  canaryProbe: Boolean');

async function variantOf(gateway: RegistryGateway, client: string): Promise<'stable' | 'canary'> {
  const res = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': client }, body: JSON.stringify({ query: '{ __schema { queryType { fields { name } } } }' }) });
  const body = (await res.json()) as { data: { __schema: { queryType: { fields: Array<{ name: string }> } } } };
  return body.data.__schema.queryType.fields.some((f) => f.name === 'canaryProbe') ? 'canary' : 'stable';
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
  beforeAll(async () => {
    fleet = await startAllSubgraphs();
    gateway = await startRegistryGateway({ dataDir: tempDir(), seed: seedYaml(SUBGRAPH_NAMES.map((name) => ({ name, url: fleet.byName[name].url, sdl: sdlOf(name) }))), yaml: CLIENT_KEY_YAML });
    await gateway.junction.ready;
  });
  afterAll(async () => {
    await gateway?.stop();
    await fleet?.stop();
  });

  it('keeps each subscription on its variant while the release runs, and moves the canary ones to stable without failing them when it is aborted', async () => {
    const published = await gateway.admin('POST', '/admin/subgraphs/accounts', { url: fleet.byName.accounts.url, sdl: ACCOUNTS_V2, canary: 50 });
    expect(published.status).toBe(200);
    const clients = new Map<'stable' | 'canary', string>();
    for (let i = 0; i < 200 && clients.size < 2; i++) clients.set(await variantOf(gateway, `sub-${i}`), `sub-${i}`);
    expect(clients.size).toBe(2);

    const controller = new AbortController();
    const open = async (client: string) => readParts(await postMultipart(gateway.url, { query: 'subscription { reviewAdded { id body author { name } } }' }, { 'x-api-key': client }, controller.signal));
    const stable = await open(clients.get('stable') as string);
    const canary = await open(clients.get('canary') as string);
    try {
      // Two groups (one per supergraph), each delivering every event.
      await waitFor(async () => {
        await postReview(fleet, '1', 'while the release runs');
        return bodiesOf(stable.parts).length > 0 && bodiesOf(canary.parts).length > 0 ? true : undefined;
      }, 'both subscriptions to receive an event');
      const canaryGroups = () => [...((gateway.junction.gateway.subscriptions as unknown as { groups: Map<string, { plan: { stateId: string } }> }).groups.values())].map((g) => g.plan.stateId);
      const candidate = gateway.junction.gateway.servedCanary?.state.id;
      const stableId = gateway.junction.gateway.current?.id;
      expect(new Set(canaryGroups())).toEqual(new Set([candidate, stableId]));

      expect((await gateway.admin('POST', '/admin/canary/abort', {})).status).toBe(200);
      await waitFor(() => (new Set(canaryGroups()).size === 1 && canaryGroups()[0] === stableId ? true : undefined), 'the canary subscription to move to the stable version');
      const before = { stable: bodiesOf(stable.parts).length, canary: bodiesOf(canary.parts).length };
      await waitFor(async () => {
        await postReview(fleet, '2', 'after the abort');
        return bodiesOf(stable.parts).length > before.stable && bodiesOf(canary.parts).length > before.canary ? true : undefined;
      }, 'both subscriptions to receive an event after the abort');
      expect(errorsOf(stable.parts)).toEqual([]);
      expect(errorsOf(canary.parts)).toEqual([]);
    } finally {
      controller.abort();
      await Promise.allSettled([stable.finished, canary.finished]);
    }
  }, 60_000);
});
