import { seedUsers } from '../../../subgraphs/accounts/data';
import { pageSize } from '../../../subgraphs/common/errors';
import { shippingEstimate, seedStock } from '../../../subgraphs/inventory/data';
import { seedProducts } from '../../../subgraphs/products/data';
import { seedReviews } from '../../../subgraphs/reviews/data';

describe('seeded sample data', () => {
  it('has 100 users with distinct names and usernames, the same every time', () => {
    const users = seedUsers();
    expect(users).toHaveLength(100);
    expect(users.map((u) => u.id)).toEqual(Array.from({ length: 100 }, (_, i) => String(i + 1)));
    expect(new Set(users.map((u) => u.name)).size).toBe(100);
    expect(new Set(users.map((u) => u.username)).size).toBe(100);
    expect(seedUsers()).toEqual(users);
  });

  it('has 50 distinct products whose prices fall on both sides of free shipping', () => {
    const products = seedProducts();
    expect(products).toHaveLength(50);
    expect(new Set(products.map((p) => p.name)).size).toBe(50);
    expect(products.some((p) => p.price > 1000)).toBe(true);
    expect(products.some((p) => p.price <= 1000)).toBe(true);
    expect(products.every((p) => p.weight > 0)).toBe(true);
  });

  it('has 150 reviews following the author and product formulas', () => {
    const reviews = seedReviews();
    expect(reviews).toHaveLength(150);
    reviews.forEach((review, i) => {
      const k = i + 1;
      expect(review).toMatchObject({
        id: String(k),
        authorId: String(((k - 1) % 100) + 1),
        productUpc: String(((k * 7) % 50) + 1),
      });
      expect(review.body.length).toBeGreaterThan(0);
    });
  });

  it('stocks every product except every seventh', () => {
    expect(seedStock().filter((s) => !s.inStock).map((s) => s.upc)).toEqual(['7', '14', '21', '28', '35', '42', '49']);
  });
});

describe('shippingEstimate', () => {
  it.each([
    [1001, 40, 0],
    [1000, 40, 20],
    [500, 3, 2],
    [500, 1, 1],
    [500, 0, 0],
  ])('price %i, weight %i costs %i', (price, weight, expected) => {
    expect(shippingEstimate(price, weight)).toBe(expected);
  });

  it('is unknown without both price and weight', () => {
    expect(shippingEstimate(null, 10)).toBeNull();
    expect(shippingEstimate(500, undefined)).toBeNull();
  });
});

describe('pageSize', () => {
  it('uses the default, clamps to the maximum and rejects negatives', () => {
    expect(pageSize(undefined, 5, 50)).toBe(5);
    expect(pageSize(null, 5, 50)).toBe(5);
    expect(pageSize(0, 5, 50)).toBe(0);
    expect(pageSize(500, 5, 50)).toBe(50);
    expect(() => pageSize(-1, 5, 50)).toThrow(expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field: 'first' } }));
  });
});
