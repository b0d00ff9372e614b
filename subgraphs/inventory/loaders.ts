import DataLoader from 'dataloader';
import type { SubgraphContext } from '../common/context';
import type { InventoryDataLayer, StockLevel } from './data';

export interface InventoryLoaders {
  readonly stockByUpc: DataLoader<string, StockLevel | null>;
}

export interface InventoryContext extends SubgraphContext {
  readonly loaders: InventoryLoaders;
}

/** Built per request, so stock levels are never served from another request's cache. */
export function createLoaders(data: InventoryDataLayer): InventoryLoaders {
  return { stockByUpc: new DataLoader((upcs) => data.stockByUpcs(upcs)) };
}
