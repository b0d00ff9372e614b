import { canonicalJson } from '../../../src/cache';

/** The definition canonicalJson keeps: JSON with object members sorted, undefined members dropped (as written before it became iterative). */
function reference(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`;
  const record = value as Record<string, unknown>;
  const members = Object.keys(record)
    .sort()
    .filter((k) => record[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${reference(record[k])}`);
  return `{${members.join(',')}}`;
}

describe('canonicalJson', () => {
  const shared = { z: 1, a: [1, 'two'] };
  it.each<[string, unknown]>([
    ['scalars', [1, -0.5, 'x', true, false, null]],
    ['undefined at the top and in lists', [undefined, [undefined, 1]]],
    ['empty containers', { a: {}, b: [], c: [[]], d: [{}] }],
    ['sorted members, nested', { b: 1, a: [{ d: 2, c: 3 }], é: { 'k"ey': 'va"l\n' } }],
    ['undefined members dropped', { a: undefined, b: { c: undefined, d: null } }],
    ['one object reached twice (not a cycle)', { x: shared, y: [shared, shared] }],
    ['a top-level scalar', 'just a string'],
  ])('writes %s exactly as the recursive definition does', (_, value) => {
    expect(canonicalJson(value)).toBe(reference(value));
  });

  it('does not overflow the stack on 300000 nested lists or objects', () => {
    const lists = JSON.parse(`${'['.repeat(300_000)}${']'.repeat(300_000)}`) as unknown;
    expect(canonicalJson(lists)).toBe(`${'['.repeat(300_000)}${']'.repeat(300_000)}`);
    let objects: unknown = 1;
    for (let i = 0; i < 300_000; i++) objects = { v: objects };
    expect(canonicalJson(objects)).toHaveLength(300_000 * 6 + 1);
  });

  it('throws on a cycle instead of looping', () => {
    const cycle: Record<string, unknown> = { a: 1 };
    cycle.self = [cycle];
    expect(() => canonicalJson(cycle)).toThrow(TypeError);
  });
});
