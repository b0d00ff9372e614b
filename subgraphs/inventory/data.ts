import { PRODUCT_COUNT, sequentialIds } from '../common/catalog';

export interface StockLevel {
  readonly upc: string;
  readonly inStock: boolean;
}

/** Every seventh product is out of stock ("7", "14", ...), so both states show up. */
export function seedStock(count: number = PRODUCT_COUNT): StockLevel[] {
  return sequentialIds(count).map((upc, i) => ({ upc, inStock: (i + 1) % 7 !== 0 }));
}

/** Prices strictly above this ship free. */
const FREE_SHIPPING_ABOVE = 1000;

/**
 * Free above FREE_SHIPPING_ABOVE, otherwise half the weight rounded (weight 3 costs 2).
 * Null when price or weight is unknown: those come from the products subgraph through
 * `@requires`, and guessing a cost would be worse than saying nothing.
 */
export function shippingEstimate(price: number | null | undefined, weight: number | null | undefined): number | null {
  if (price == null || weight == null) return null;
  return price > FREE_SHIPPING_ABOVE ? 0 : Math.round(weight / 2);
}

/** Stands in for a warehouse system; counts calls so tests can prove batching. */
export class InventoryDataLayer {
  readonly calls = { stockByUpcs: 0 };
  private readonly byUpc: ReadonlyMap<string, StockLevel>;

  constructor(stock: readonly StockLevel[] = seedStock()) {
    this.byUpc = new Map(stock.map((level) => [level.upc, level]));
  }

  async stockByUpcs(upcs: readonly string[]): Promise<(StockLevel | null)[]> {
    this.calls.stockByUpcs += 1;
    return upcs.map((upc) => this.byUpc.get(upc) ?? null);
  }
}
