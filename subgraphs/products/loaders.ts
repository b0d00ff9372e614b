import DataLoader from 'dataloader';
import type { SubgraphContext } from '../common/context';
import type { Product, ProductsDataLayer } from './data';

export interface ProductsLoaders {
  readonly productByUpc: DataLoader<string, Product | null>;
}

export interface ProductsContext extends SubgraphContext {
  readonly data: ProductsDataLayer;
  readonly loaders: ProductsLoaders;
}

/** Built per request, so cached products never leak between requests. */
export function createLoaders(data: ProductsDataLayer): ProductsLoaders {
  return { productByUpc: new DataLoader((upcs) => data.productsByUpcs(upcs)) };
}
