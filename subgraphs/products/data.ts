import { PRODUCT_COUNT, pick, sequentialIds } from '../common/catalog';

export interface Product {
  readonly upc: string;
  readonly name: string;
  readonly price: number;
  readonly weight: number;
}

const ADJECTIVES = ['Trusty', 'Compact', 'Deluxe', 'Rugged', 'Quiet', 'Swift', 'Classic', 'Modern', 'Tiny', 'Mighty'] as const;
const NOUNS = ['Kettle', 'Lamp', 'Backpack', 'Keyboard', 'Bicycle'] as const;

/**
 * 10 adjectives x 5 nouns gives 50 distinct names. Prices spread over 99..2098 so both
 * shipping rules (free above 1000, weight-based below) occur; "1" is a Trusty Kettle at 712.
 */
export function seedProducts(count: number = PRODUCT_COUNT): Product[] {
  return sequentialIds(count).map((upc, i) => {
    const k = i + 1;
    const name = `${pick(ADJECTIVES, i)} ${pick(NOUNS, Math.floor(i / ADJECTIVES.length))}`;
    return { upc, name, price: 99 + ((k * 613) % 2000), weight: 1 + ((k * 37) % 60) };
  });
}

/** Stands in for a catalog database; counts calls so tests can prove batching. */
export class ProductsDataLayer {
  readonly calls = { productsByUpcs: 0, topProducts: 0 };
  private readonly products: readonly Product[];
  private readonly byUpc: ReadonlyMap<string, Product>;

  constructor(products: readonly Product[] = seedProducts()) {
    this.products = products;
    this.byUpc = new Map(products.map((product) => [product.upc, product]));
  }

  get size(): number {
    return this.products.length;
  }

  async productsByUpcs(upcs: readonly string[]): Promise<(Product | null)[]> {
    this.calls.productsByUpcs += 1;
    return upcs.map((upc) => this.byUpc.get(upc) ?? null);
  }

  async topProducts(first: number): Promise<Product[]> {
    this.calls.topProducts += 1;
    return this.products.slice(0, first);
  }
}
