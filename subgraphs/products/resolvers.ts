import { pageSize } from '../common/errors';
import type { Product } from './data';
import type { ProductsContext } from './loaders';

export const resolvers = {
  Query: {
    topProducts: async (_: unknown, args: { first?: number | null }, ctx: ProductsContext) => {
      const products = await ctx.data.topProducts(pageSize(args.first, 5, ctx.data.size));
      for (const product of products) ctx.loaders.productByUpc.prime(product.upc, product);
      return products;
    },
    product: (_: unknown, args: { upc: string }, ctx: ProductsContext) => ctx.loaders.productByUpc.load(args.upc),
  },
  Product: {
    __resolveReference: (ref: { upc: string }, ctx: ProductsContext): Promise<Product | null> =>
      ctx.loaders.productByUpc.load(ref.upc),
  },
};
