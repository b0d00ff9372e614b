import { REVIEW_COUNT, isCatalogUpc, pick, sequentialIds } from '../common/catalog';
import { createInProcessFeed, type ReviewFeed } from './feed';
import type { Review } from './review';

export type { Review } from './review';

export interface NewReview {
  readonly authorId: string;
  readonly productUpc: string;
  readonly body: string;
}

const PHRASES = [
  'Does exactly what it says.',
  'Better than expected.',
  'Would buy again.',
  'Arrived quickly and works well.',
  'Solid value for the price.',
  'Not bad, not great.',
  'My family loves it.',
  'Sturdier than it looks.',
  'Instructions could be clearer.',
  'Five stars, no notes.',
  'Exceeded my expectations.',
] as const;

/**
 * Review k is by user ((k-1) % 100)+1 about product ((k*7) % 50)+1. As 7 and 50 are coprime,
 * every product gets exactly 3 reviews; users 1-50 write two, users 51-100 one.
 */
export function seedReviews(count: number = REVIEW_COUNT): Review[] {
  return sequentialIds(count).map((id, i) => {
    const k = i + 1;
    return {
      id,
      body: pick(PHRASES, i),
      authorId: String(((k - 1) % 100) + 1),
      productUpc: String(((k * 7) % 50) + 1),
    };
  });
}

/**
 * Stands in for a review store. Writes live in this instance (not module scope), so every
 * server started gets the same seed and tests cannot see each other's reviews.
 */
export class ReviewsDataLayer {
  readonly calls = { reviewsByIds: 0, reviewsByAuthorIds: 0, reviewsByProductUpcs: 0, createReview: 0 };
  private readonly byId = new Map<string, Review>();
  private readonly byAuthor = new Map<string, Review[]>();
  private readonly byProduct = new Map<string, Review[]>();

  /**
   * @param feed where new reviews are announced; exposed so tests can wait until a subscriber listens
   *   (`feed.localSubscribers`).
   */
  constructor(
    seed: readonly Review[] = seedReviews(),
    readonly feed: ReviewFeed = createInProcessFeed(),
  ) {
    for (const review of seed) this.add(review);
  }

  async reviewsByIds(ids: readonly string[]): Promise<(Review | null)[]> {
    this.calls.reviewsByIds += 1;
    return ids.map((id) => this.byId.get(id) ?? null);
  }

  async reviewsByAuthorIds(authorIds: readonly string[]): Promise<Review[][]> {
    this.calls.reviewsByAuthorIds += 1;
    return authorIds.map((id) => [...(this.byAuthor.get(id) ?? [])]);
  }

  async reviewsByProductUpcs(upcs: readonly string[]): Promise<Review[][]> {
    this.calls.reviewsByProductUpcs += 1;
    return upcs.map((upc) => [...(this.byProduct.get(upc) ?? [])]);
  }

  /** Products are owned by another subgraph; the shared catalog stands in for asking it. */
  productExists(upc: string): boolean {
    return isCatalogUpc(upc);
  }

  async createReview(input: NewReview): Promise<Review> {
    this.calls.createReview += 1;
    const review: Review = { id: String(this.byId.size + 1), ...input };
    this.add(review);
    return review;
  }

  private add(review: Review): void {
    this.byId.set(review.id, review);
    append(this.byAuthor, review.authorId, review);
    append(this.byProduct, review.productUpc, review);
  }
}

function append(index: Map<string, Review[]>, key: string, review: Review): void {
  const list = index.get(key);
  if (list) list.push(review);
  else index.set(key, [review]);
}
