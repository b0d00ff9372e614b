import DataLoader from 'dataloader';
import type { SubgraphContext } from '../common/context';
import type { AccountsDataLayer, User } from './data';

export interface AccountsLoaders {
  readonly userById: DataLoader<string, User | null>;
}

export interface AccountsContext extends SubgraphContext {
  readonly data: AccountsDataLayer;
  readonly loaders: AccountsLoaders;
}

/** Built per request: a loader's cache is a per-request snapshot, never shared between users. */
export function createLoaders(data: AccountsDataLayer): AccountsLoaders {
  return { userById: new DataLoader((ids) => data.usersByIds(ids)) };
}
