import DataLoader from 'dataloader';
import type { SubgraphContext } from '../common/context';
import type { Review, ReviewsDataLayer } from './data';

export interface ReviewsLoaders {
  readonly reviewById: DataLoader<string, Review | null>;
  readonly reviewsByAuthorId: DataLoader<string, Review[]>;
  readonly reviewsByProductUpc: DataLoader<string, Review[]>;
}

export interface ReviewsContext extends SubgraphContext {
  readonly data: ReviewsDataLayer;
  readonly loaders: ReviewsLoaders;
}

/** Built per request, so one request's writes and reads never leak into another's cache. */
export function createLoaders(data: ReviewsDataLayer): ReviewsLoaders {
  return {
    reviewById: new DataLoader((ids) => data.reviewsByIds(ids)),
    reviewsByAuthorId: new DataLoader((ids) => data.reviewsByAuthorIds(ids)),
    reviewsByProductUpc: new DataLoader((upcs) => data.reviewsByProductUpcs(upcs)),
  };
}
