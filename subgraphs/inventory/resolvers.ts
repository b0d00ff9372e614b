import { setTimeout as delay } from 'node:timers/promises';
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

export interface InventoryResolverOptions {
  /** Wait this long before each shippingEstimate: the demo's slow field, so @defer has something to defer. */
  readonly shippingDelayMs: number;
}

export function createResolvers({ shippingDelayMs }: InventoryResolverOptions) {
  const estimate = (product: InventoryProduct): number | null => shippingEstimate(product.price, product.weight);
  return {
    Product: {
      __resolveReference: async (ref: ProductRef, ctx: InventoryContext): Promise<InventoryProduct | null> => {
        const stock = await ctx.loaders.stockByUpc.load(ref.upc);
        // Keep the representation's fields: shippingEstimate reads the required price/weight.
        return stock ? { ...ref, inStock: stock.inStock } : null;
      },
      // Synchronous unless a delay is configured: tests and the benchmark measure the subgraph as it was.
      shippingEstimate:
        shippingDelayMs > 0
          ? async (product: InventoryProduct) => {
              await delay(shippingDelayMs);
              return estimate(product);
            }
          : estimate,
    },
  };
}
