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
    expect(compileHeaderRules({ all: [], subgraphs: {} }, { identityHeader: 'x-junction-identity' })).toBeUndefined();
  });

  it('never forwards hop-by-hop headers or a client-sent identity header, even when told to propagate everything', () => {
    const plan = compileHeaderRules({ all: [{ propagate: { matching: '.*' } }], subgraphs: {} }, { identityHeader: 'x-junction-identity' });
    expect(plan?.(client, undefined, 'a')).toEqual(['x-tenant', 'acme']);
  });

  it('uses a default when the propagated header is absent, and skips a claim the caller does not have', () => {
    const plan = compileHeaderRules(
      { all: [{ propagate: { named: 'x-region', default: 'eu' } }, { insert: { name: 'x-user', fromClaim: 'sub' } }], subgraphs: {} },
      { identityHeader: 'x-junction-identity' },
    );
    expect(plan?.(client, undefined, 'a')).toEqual(['x-region', 'eu']);
    expect(plan?.(client, { sub: 'u1', scopes: [], claims: { sub: 'u1' } }, 'a')).toEqual(['x-region', 'eu', 'x-user', 'u1']);
  });

  describe("Junction's secrets and hop-by-hop headers", () => {
    const guards = {
      identityHeader: 'x-junction-identity',
      secretHeaders: ['X-Junction-Bypass'],
      credentialHeaders: ['x-api-token'],
      secretValues: ['admin-token-0123456789abcdef0123456789', 'metrics-token-0123456789'],
    };
    const request = new Map<string, string>([
      ['x-junction-bypass', 'bypass-secret-0123456789'],
      ['x-tenant', 'acme'],
      ['authorization', 'Bearer user-jwt'],
      ['cookie', 'session=abc'],
      ['x-api-token', 'user-key'],
    ]);

    it('never forwards the bypass header, not under `matching` and not even under `named` or renamed', () => {
      const plan = compileHeaderRules(
        { all: [{ propagate: { matching: '^x-' } }, { propagate: { named: 'x-junction-bypass' } }, { propagate: { named: 'x-junction-bypass', rename: 'x-copy' } }], subgraphs: {} },
        guards,
      );
      expect(plan?.(request, undefined, 'a')).toEqual(['x-tenant', 'acme']);
    });

    it('forwards credentials (authorization, cookie, the auth header) only when a rule names them', () => {
      const matching = compileHeaderRules({ all: [{ propagate: { matching: '.*' } }], subgraphs: {} }, guards);
      expect(matching?.(request, undefined, 'a')).toEqual(['x-tenant', 'acme']);
      const named = compileHeaderRules({ all: [{ propagate: { named: 'authorization' } }, { propagate: { named: 'cookie' } }, { propagate: { named: 'x-api-token' } }], subgraphs: {} }, guards);
      expect(named?.(request, undefined, 'a')).toEqual(['authorization', 'Bearer user-jwt', 'cookie', 'session=abc', 'x-api-token', 'user-key']);
    });

    it("never forwards a header carrying the admin or metrics token, whatever its name", () => {
      const plan = compileHeaderRules({ all: [{ propagate: { named: 'authorization' } }, { propagate: { named: 'x-token' } }], subgraphs: {} }, guards);
      const admin = new Map([['authorization', 'bearer admin-token-0123456789abcdef0123456789'], ['x-token', 'metrics-token-0123456789']]);
      expect(plan?.(admin, undefined, 'a')).toEqual([]);
    });

    it("does not propagate a header the client's Connection header lists (hop-by-hop), but keeps inserted ones", () => {
      const plan = compileHeaderRules(
        { all: [{ propagate: { named: 'x-foo' } }, { propagate: { matching: '^x-b' } }, { insert: { name: 'x-gateway', value: 'junction' } }], subgraphs: {} },
        guards,
      );
      const hop = new Map([['connection', 'keep-alive, X-Foo, x-bar, x-gateway'], ['x-foo', 'hop'], ['x-bar', 'hop'], ['x-baz', 'end-to-end']]);
      expect(plan?.(hop, undefined, 'a')).toEqual(['x-baz', 'end-to-end', 'x-gateway', 'junction']);
    });
  });
});
