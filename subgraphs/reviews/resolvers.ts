import { GraphQLError } from 'graphql';
import { viewerId } from '../common/context';
import { badUserInput } from '../common/errors';
import type { Review } from './data';
import type { ReviewsContext } from './loaders';

/** Long enough for a real review, short enough that one request cannot bloat the store. */
const MAX_REVIEW_BODY_LENGTH = 2000;

interface CreateReviewInput {
  readonly productUpc: string;
  readonly body: string;
}

async function createReview(input: CreateReviewInput, ctx: ReviewsContext): Promise<Review> {
  // Reviews are signed by their author: only a caller the gateway vouches for may post one.
  const authorId = await viewerId(ctx, 'reviews');
  if (authorId === undefined) throw new GraphQLError('Posting a review needs a signed-in user', { extensions: { code: 'UNAUTHENTICATED' } });
  const body = input.body.trim();
  if (body.length === 0) throw badUserInput('Review body must not be empty', 'body');
  if (body.length > MAX_REVIEW_BODY_LENGTH) {
    throw badUserInput(`Review body must be at most ${MAX_REVIEW_BODY_LENGTH} characters`, 'body');
  }
  if (!ctx.data.productExists(input.productUpc)) {
    throw badUserInput(`Unknown product "${input.productUpc}"`, 'productUpc');
  }
  const review = await ctx.data.createReview({ authorId, productUpc: input.productUpc, body });
  // Lists loaded earlier in this request are now stale (a mutation may post several reviews).
  ctx.loaders.reviewsByAuthorId.clear(review.authorId);
  ctx.loaders.reviewsByProductUpc.clear(review.productUpc);
  ctx.loaders.reviewById.prime(review.id, review);
  // After storing: a subscriber told about the review can already fetch it. Never throws.
  await ctx.data.feed.publish(review);
  return review;
}

export const resolvers = {
  Subscription: {
    // Public data, so anonymous subscribers are served. graphql-ws runs `subscribe` once per subscription
    // and `resolve` per event; the iterator's return() (on unsubscribe or disconnect) ends the listening.
    reviewAdded: {
      subscribe: (_: unknown, args: { productUpc?: string | null }, ctx: ReviewsContext) =>
        ctx.data.feed.subscribe(args.productUpc ?? undefined),
      resolve: (review: Review) => review,
    },
  },
  Mutation: {
    createReview: (_: unknown, args: { input: CreateReviewInput }, ctx: ReviewsContext) => createReview(args.input, ctx),
  },
  Review: {
    __resolveReference: (ref: { id: string }, ctx: ReviewsContext) => ctx.loaders.reviewById.load(ref.id),
    // Author and product are owned elsewhere: return references for the gateway to resolve.
    author: (review: Review) => ({ __typename: 'User', id: review.authorId }),
    product: (review: Review) => ({ __typename: 'Product', upc: review.productUpc }),
  },
  User: {
    reviews: (user: { id: string }, _: unknown, ctx: ReviewsContext) => ctx.loaders.reviewsByAuthorId.load(user.id),
  },
  Product: {
    reviews: (product: { upc: string }, _: unknown, ctx: ReviewsContext) =>
      ctx.loaders.reviewsByProductUpc.load(product.upc),
  },
};
