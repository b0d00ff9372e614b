import { createRequestLimits, LIMITS, type LimitsConfig } from '../../../src/security';
import { createLogger } from '../../../src/observability';

const limits = Object.fromEntries(Object.keys(LIMITS).map((name) => [name, { max: 20, mode: 'enforce' }])) as unknown as LimitsConfig;

describe('createRequestLimits', () => {
  it('keeps memory bounded under a stream of distinct attack documents', () => {
    const checker = createRequestLimits({ limits: { ...limits, maxTokens: { max: 100_000, mode: 'enforce' } }, logger: createLogger('silent'), cacheMaxEntries: 50, explainOnDryRun: false });
    for (let i = 0; i < 2000; i++) {
      const laughs = Array.from({ length: 25 }, (_, k) => `fragment L${k + 1}_${i} on Node { ...L${k}_${i} ...L${k}_${i} }`).join(' ');
      const attack = i % 2 === 0 ? `{ node { ...L25_${i} } } fragment L0_${i} on Node { v } ${laughs}` : `{ ${'a { '.repeat(1500 + i)} b ${'} '.repeat(1500 + i)} }`;
      expect(checker.preflight(attack, undefined)?.extensions.code).toBe(i % 2 === 0 ? 'MAX_SELECTIONS_LIMIT' : 'MAX_DEPTH_LIMIT');
    }
    expect(checker.cachedOperations()).toBe(50);
  });

  it('answers a repeated operation from its cached verdict', () => {
    const checker = createRequestLimits({ limits, logger: createLogger('silent'), explainOnDryRun: false });
    const query = '{ a { b } }';
    expect(checker.preflight(query, undefined)).toBeUndefined();
    expect(checker.preflight(query, undefined)).toBeUndefined();
    expect(checker.cachedOperations()).toBe(1);
  });
});
