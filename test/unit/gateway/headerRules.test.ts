import { compileHeaderRules } from '../../../src/gateway';

const client = new Map<string, string>([
  ['connection', 'keep-alive'],
  ['keep-alive', 'timeout=5'],
  ['transfer-encoding', 'chunked'],
  ['upgrade', 'websocket'],
  ['host', 'gateway.example'],
  ['x-junction-identity', 'forged'],
  ['x-tenant', 'acme'],
]);

describe('compileHeaderRules', () => {
  it('is undefined when there are no rules (nothing to do per request)', () => {
    expect(compileHeaderRules({ all: [], subgraphs: {} }, 'x-junction-identity')).toBeUndefined();
  });

  it('never forwards hop-by-hop headers or a client-sent identity header, even when told to propagate everything', () => {
    const plan = compileHeaderRules({ all: [{ propagate: { matching: '.*' } }], subgraphs: {} }, 'x-junction-identity');
    expect(plan?.(client, undefined, 'a')).toEqual(['x-tenant', 'acme']);
  });

  it('uses a default when the propagated header is absent, and skips a claim the caller does not have', () => {
    const plan = compileHeaderRules(
      { all: [{ propagate: { named: 'x-region', default: 'eu' } }, { insert: { name: 'x-user', fromClaim: 'sub' } }], subgraphs: {} },
      'x-junction-identity',
    );
    expect(plan?.(client, undefined, 'a')).toEqual(['x-region', 'eu']);
    expect(plan?.(client, { sub: 'u1', scopes: [], claims: { sub: 'u1' } }, 'a')).toEqual(['x-region', 'eu', 'x-user', 'u1']);
  });
});
