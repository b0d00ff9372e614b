import { shippingEstimate } from './data';
import type { InventoryContext } from './loaders';

/** A representation from the gateway; price and weight are present when `@requires` asked. */
interface ProductRef {
  readonly upc: string;
  readonly price?: number | null;
  readonly weight?: number | null;
}

interface InventoryProduct extends ProductRef {
  readonly inStock: boolean;
}

export const resolvers = {
  Product: {
    __resolveReference: async (ref: ProductRef, ctx: InventoryContext): Promise<InventoryProduct | null> => {
      const stock = await ctx.loaders.stockByUpc.load(ref.upc);
      // Keep the representation's fields: shippingEstimate reads the required price/weight.
      return stock ? { ...ref, inStock: stock.inStock } : null;
    },
    shippingEstimate: (product: InventoryProduct) => shippingEstimate(product.price, product.weight),
  },
};
