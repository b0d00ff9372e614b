import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeSubgraphs } from '../../../src/composition';
import { startAllSubgraphs, SUBGRAPH_NAMES, type RunningFleet } from '../../../subgraphs';
import { startGatewayOn, type TestGateway } from '../../helpers/gateway';
import { parsePrometheus, sampleValue } from '../../helpers/prometheus';

/** The four sample subgraphs and their supergraph, for gateways with different settings over one fleet. */
export interface SampleFleet {
  fleet: RunningFleet;
  supergraphSdl: string;
  /** A gateway over the fleet with this gateway.yaml; stopped by `stop()` if the test has not. */
  gateway(yaml?: string): Promise<TestGateway>;
  stop(): Promise<void>;
}

export async function startSampleFleet(): Promise<SampleFleet> {
  const fleet = await startAllSubgraphs();
  const composed = composeSubgraphs(
    SUBGRAPH_NAMES.map((name) => ({ name, url: fleet.byName[name].url, sdl: readFileSync(join(__dirname, '../../../subgraphs', name, 'schema.graphql'), 'utf8') })),
  );
  if (!composed.ok) {
    await fleet.stop();
    throw new Error(JSON.stringify(composed.errors));
  }
  const gateways: TestGateway[] = [];
  return {
    fleet,
    supergraphSdl: composed.supergraphSdl,
    gateway: async (yaml) => {
      const gateway = await startGatewayOn({ sdl: composed.supergraphSdl }, yaml);
      gateways.push(gateway);
      return gateway;
    },
    stop: async () => {
      await Promise.all(gateways.map((g) => g.stop()));
      await fleet.stop();
    },
  };
}

export const TOP_PRODUCTS = '{ topProducts(first: 2) { upc name } }';
export const REVIEW_ADDED = 'subscription { reviewAdded { id body product { name } } }';
export const CREATE_REVIEW = 'mutation ($input: CreateReviewInput!) { createReview(input: $input) { id } }';

/** The `code` of the first error of a GraphQL answer. */
export const firstCode = (body: { errors?: ReadonlyArray<{ extensions?: Record<string, unknown> }> | null } | null | undefined): unknown => body?.errors?.[0]?.extensions?.code;

/** What Apollo Client sends for a subscription over HTTP (Apollo Router's multipart protocol). */
export const MULTIPART_ACCEPT = 'multipart/mixed;subscriptionSpec="1.0", application/json';

/** A POST with Apollo Client's subscription Accept header; the response is left unread for the test. */
export function postMultipart(url: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: MULTIPART_ACCEPT, ...headers }, body: JSON.stringify(body), signal });
}

/** `junction_subscriptions_active` for a transport, from the gateway's metrics. */
export async function activeOn(gateway: TestGateway, transport: string): Promise<number> {
  const samples = parsePrometheus(await (await fetch(gateway.junction.metricsUrl as string)).text());
  return sampleValue(samples, 'junction_subscriptions_active', { transport });
}
