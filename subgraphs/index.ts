import './common/telemetry';
import { accounts } from './accounts';
import type { AccountsDataLayer } from './accounts/data';
import type { PubSubOptions, SubgraphDefinition } from './common/definition';
import { SUBGRAPH_NAMES, isSubgraphName, type SubgraphName } from './common/names';
import { serveSubgraph, type RunningSubgraph, type ServeOptions } from './common/serve';
import { inventory } from './inventory';
import type { InventoryDataLayer } from './inventory/data';
import { products } from './products';
import type { ProductsDataLayer } from './products/data';
import { reviews } from './reviews';
import type { ReviewsDataLayer } from './reviews/data';

export { SUBGRAPH_NAMES, type SubgraphName } from './common/names';
export type { RunningSubgraph, ServeOptions } from './common/serve';
export type { PubSubOptions, SubgraphDefinition } from './common/definition';

/** Which data layer (with its call counters) each subgraph exposes to tests. */
export interface SubgraphDataLayers {
  accounts: AccountsDataLayer;
  inventory: InventoryDataLayer;
  products: ProductsDataLayer;
  reviews: ReviewsDataLayer;
}

export const SUBGRAPHS: { readonly [N in SubgraphName]: SubgraphDefinition<SubgraphDataLayers[N]> } = {
  accounts,
  inventory,
  products,
  reviews,
};

export interface StartManyOptions {
  /** Ports by name; a subgraph not listed gets port 0 (any free port). */
  readonly ports?: Partial<Record<SubgraphName, number>>;
  readonly host?: string;
  /** Where subscription events are shared; in-process unless a Redis URL is given. */
  readonly pubSub?: PubSubOptions;
  /** Inventory's deliberate `shippingEstimate` delay, for the @defer demo (0 when unset). */
  readonly shippingDelayMs?: number;
}

export interface RunningSubgraphGroup {
  readonly subgraphs: readonly RunningSubgraph[];
  /** Stops every subgraph in the group, even if some fail to stop. */
  stop(): Promise<void>;
}

export interface RunningFleet extends RunningSubgraphGroup {
  readonly byName: { readonly [N in SubgraphName]: RunningSubgraph<SubgraphDataLayers[N]> };
}

/** Starts one subgraph; with no port given it listens on a free port (see `RunningSubgraph.port`). */
export function startSubgraph<N extends SubgraphName>(
  name: N,
  opts: ServeOptions = {},
): Promise<RunningSubgraph<SubgraphDataLayers[N]>> {
  // Callers from plain JS (or argv) may pass anything; fail with the list, not a TypeError.
  if (!isSubgraphName(name)) {
    return Promise.reject(new Error(`Unknown subgraph "${String(name)}"; valid names: ${SUBGRAPH_NAMES.join(', ')}`));
  }
  return serveSubgraph(SUBGRAPHS[name], opts);
}

/** Starts the named subgraphs together; if any fails, the others are stopped before rejecting. */
export async function startSubgraphs(
  names: readonly SubgraphName[],
  opts: StartManyOptions = {},
): Promise<RunningSubgraphGroup> {
  const results = await Promise.allSettled(
    names.map((name) => startSubgraph(name, { port: opts.ports?.[name] ?? 0, host: opts.host, pubSub: opts.pubSub, shippingDelayMs: opts.shippingDelayMs })),
  );
  const started = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  const group: RunningSubgraphGroup = { subgraphs: started, stop: () => stopAll(started) };
  if (failure) {
    await group.stop();
    throw failure.reason;
  }
  return group;
}

/** Starts all four sample subgraphs (on free ports unless `ports` says otherwise). */
export async function startAllSubgraphs(opts: StartManyOptions = {}): Promise<RunningFleet> {
  const group = await startSubgraphs(SUBGRAPH_NAMES, opts);
  // Each entry was started by its own name, so the name -> data layer pairing holds.
  const byName = Object.fromEntries(group.subgraphs.map((s) => [s.name, s])) as unknown as RunningFleet['byName'];
  return { ...group, byName };
}

async function stopAll(running: readonly RunningSubgraph[]): Promise<void> {
  const results = await Promise.allSettled(running.map((s) => s.stop()));
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.reason;
}
