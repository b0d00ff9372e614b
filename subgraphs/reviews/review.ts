/** One review as the reviews subgraph stores it (its own file: the data layer and the feed both use it). */
export interface Review {
  readonly id: string;
  readonly body: string;
  readonly authorId: string;
  readonly productUpc: string;
}
