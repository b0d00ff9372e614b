import { createHash } from 'node:crypto';

/**
 * Distinct operations over the sample supergraph for the planning run: each has its own text (a root alias
 * with the operation's number) and, drawn from a seeded generator, its own shape: which root fields and
 * arguments, which scalar fields, and how deep it follows Product → reviews → author → reviews → product
 * across the four subgraphs (so plans have 1 to ~8 fetches, with @requires for shippingEstimate).
 */
export function planningOperation(i: number): { name: string; body: string } {
  const random = seeded(i + 1);
  const roots = 1 + Math.floor(random() * 2);
  const fields = Array.from({ length: roots }, (_, r) => rootField(random, `r${i}_${r}`));
  const name = `Plan${i}`;
  return { name, body: `query ${name} { ${fields.join(' ')} }` };
}

/** An Apollo persisted-query manifest of the first `count` planning operations (prewarm at start). */
export function planningManifest(count: number): string {
  const operations = Array.from({ length: count }, (_, i) => {
    const { name, body } = planningOperation(i);
    return { id: createHash('sha256').update(body).digest('hex'), name, type: 'query', body };
  });
  return JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations });
}

type Random = () => number;

const PRODUCT = ['upc', 'name', 'price', 'weight', 'inStock', 'shippingEstimate'];
const USER = ['id', 'name', 'username'];
const REVIEW = ['id', 'body'];

function rootField(random: Random, alias: string): string {
  const depth = 1 + Math.floor(random() * 3);
  const n = 1 + Math.floor(random() * 9);
  // Lists stay short (first: 1..4): the deepest shapes then stay under the default cost limit (50,000).
  const first = 1 + (n % 4);
  switch (Math.floor(random() * 4)) {
    case 0:
      return `${alias}: topProducts(first: ${first}) { ${product(random, depth)} }`;
    case 1:
      return `${alias}: product(upc: "${n}") { ${product(random, depth)} }`;
    case 2:
      return `${alias}: users(first: ${first}) { ${user(random, depth)} }`;
    default:
      return `${alias}: user(id: "${n}") { ${user(random, depth)} }`;
  }
}

function product(random: Random, depth: number): string {
  const fields = some(random, PRODUCT);
  if (depth > 0 && random() < 0.7) fields.push(`reviews { ${review(random, depth - 1)} }`);
  return fields.join(' ');
}

function user(random: Random, depth: number): string {
  const fields = some(random, USER);
  if (depth > 0 && random() < 0.7) fields.push(`reviews { ${review(random, depth - 1)} }`);
  return fields.join(' ');
}

function review(random: Random, depth: number): string {
  const fields = some(random, REVIEW);
  if (random() < 0.5) fields.push(`author { ${user(random, depth)} }`);
  if (random() < 0.6) fields.push(`product { ${product(random, depth)} }`);
  return fields.join(' ');
}

/** A non-empty subset of the fields, in their order. */
function some(random: Random, fields: readonly string[]): string[] {
  const picked = fields.filter(() => random() < 0.5);
  return picked.length > 0 ? picked : [fields[Math.floor(random() * fields.length)] as string];
}

/** mulberry32: the same operations on every run and machine. */
function seeded(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
