/**
 * Sizes of the shared sample world. Subgraphs own different fields of the same entities,
 * so they must agree on which ids exist; in production each would ask the owning service.
 */
export const USER_COUNT = 100;
export const PRODUCT_COUNT = 50;
export const REVIEW_COUNT = 150;

/** Ids "1".."count", as the sample data uses string ids throughout. */
export function sequentialIds(count: number): string[] {
  return Array.from({ length: count }, (_, i) => String(i + 1));
}

/** The k-th entry of a non-empty list, wrapping around; keeps generated data index-safe. */
export function pick<T>(list: readonly [T, ...T[]], index: number): T {
  return list[index % list.length] ?? list[0];
}

/** Whether `upc` names a product in the sample catalog (without asking the products subgraph). */
export function isCatalogUpc(upc: string): boolean {
  return /^[1-9][0-9]*$/.test(upc) && Number(upc) <= PRODUCT_COUNT;
}
