import { checkVariables } from '../../../src/security';

const bounds = { maxDepth: 3, maxValues: 10 };
const deep = (levels: number): unknown => JSON.parse(`${'['.repeat(levels)}${']'.repeat(levels)}`);

describe('checkVariables (limits.variables)', () => {
  it('counts depth from a variable’s own value: [[[1]]] is 3', () => {
    expect(checkVariables({ x: [[[1]]] }, bounds)).toBeUndefined();
    expect(checkVariables({ x: [[[[1]]]] }, bounds)).toEqual({ code: 'VARIABLES_TOO_DEEP', message: 'Variables nest deeper than limits.variables.maxDepth (3).' });
    expect(checkVariables({ x: { a: { b: { c: {} } } } }, bounds)?.code).toBe('VARIABLES_TOO_DEEP');
  });

  it('counts every scalar, list and object once, the variables object itself not', () => {
    // x (1) + its 4 items + y (1) + y.a (1) + y.a's 3 items = 10.
    const atBound = { x: [1, 2, 3, 4], y: { a: [null, 'b', true] } };
    expect(checkVariables(atBound, bounds)).toBeUndefined();
    expect(checkVariables({ ...atBound, z: 0 }, bounds)).toEqual({ code: 'VARIABLES_TOO_LARGE', message: 'Variables hold more than limits.variables.maxValues (10) values.' });
  });

  it('lets through what is not an object (Apollo Server refuses such variables itself)', () => {
    for (const value of [undefined, null, 'x', 3]) expect(checkVariables(value, bounds)).toBeUndefined();
  });

  it('walks 300000 levels without recursion and stops at the bound', () => {
    expect(checkVariables({ x: deep(300_000) }, { maxDepth: 64, maxValues: 1_000_000 })?.code).toBe('VARIABLES_TOO_DEEP');
  });

  it('stops reading as soon as a bound is crossed', () => {
    let reads = 0;
    const huge: Record<string, unknown> = {};
    for (let i = 0; i < 1000; i++) Object.defineProperty(huge, `k${i}`, { enumerable: true, get: () => (reads++, i) });
    expect(checkVariables(huge, bounds)?.code).toBe('VARIABLES_TOO_LARGE');
    expect(reads).toBe(bounds.maxValues + 1);
  });
});
