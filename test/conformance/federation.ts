import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { startGatewayFor, type TestGateway } from '../helpers/gateway';
import { startTestSubgraph, type TestSubgraph } from '../helpers/subgraph';

/** The federation-2 `@link` header of a subgraph SDL, importing the given directives. */
export function link(imports: readonly string[], version = '2.7'): string {
  return `extend schema @link(url: "https://specs.apollo.dev/federation/v${version}", import: [${imports.map((i) => `"${i}"`).join(', ')}])`;
}

export interface SubgraphDefinition {
  sdl: string;
  resolvers: GraphQLResolverMap<unknown>;
}

/** A set of real subgraphs and the Junction gateway composed over them. */
export interface Federation {
  gateway: TestGateway;
  subgraphs: Record<string, TestSubgraph>;
  /** The subgraph called `name` (throws on a typo rather than answering undefined). */
  subgraph(name: string): TestSubgraph;
  /** Forgets every request the subgraphs have received so far. */
  clearRequests(): void;
  stop(): Promise<void>;
}

/** Starts one HTTP subgraph per definition, composes them and starts the gateway over the result. */
export async function startFederation(definitions: Record<string, SubgraphDefinition>, gatewayYaml?: string): Promise<Federation> {
  const subgraphs: Record<string, TestSubgraph> = {};
  try {
    for (const [name, def] of Object.entries(definitions)) subgraphs[name] = await startTestSubgraph(name, def.sdl, def.resolvers);
    const gateway = await startGatewayFor(Object.values(subgraphs), gatewayYaml);
    return {
      gateway,
      subgraphs,
      subgraph(name) {
        const found = subgraphs[name];
        if (!found) throw new Error(`no subgraph "${name}"`);
        return found;
      },
      clearRequests() {
        for (const s of Object.values(subgraphs)) s.requests.length = 0;
      },
      async stop() {
        await gateway.stop();
        await Promise.all(Object.values(subgraphs).map((s) => s.stop().catch(() => undefined)));
      },
    };
  } catch (err) {
    await Promise.all(Object.values(subgraphs).map((s) => s.stop().catch(() => undefined)));
    throw err;
  }
}

/** The `_entities` fetches a subgraph received, as the list of representations each one carried. */
export function entityFetches(subgraph: TestSubgraph): unknown[][] {
  return subgraph.requests.filter((r) => r.query.includes('_entities')).map((r) => (r.variables?.representations as unknown[] | undefined) ?? []);
}

/** Fetches a subgraph received that are not `_entities` fetches (root-field fetches). */
export function rootFetches(subgraph: TestSubgraph): string[] {
  return subgraph.requests.filter((r) => !r.query.includes('_entities')).map((r) => r.query);
}
