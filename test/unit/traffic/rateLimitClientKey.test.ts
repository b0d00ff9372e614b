import type { Principal } from '../../../src/auth';
import { clientIp, createClientKey, ipBucket, trustedSet, type ClientFacts } from '../../../src/traffic';

const principal = (sub: string | undefined): Principal => ({ sub, scopes: [], claims: {} });

function facts(init: { sub?: string; headers?: Record<string, string>; peer?: string }): ClientFacts {
  return {
    principal: init.sub === undefined ? undefined : principal(init.sub),
    header: (name) => init.headers?.[name],
    remoteAddress: init.peer,
  };
}

describe('clientIp', () => {
  const proxies = trustedSet(['10.0.0.1', '10.0.0.2', '2001:db8::1']);

  it('is the socket address when the peer is not a trusted proxy, whatever X-Forwarded-For says', () => {
    expect(clientIp('203.0.113.9', '198.51.100.1', proxies)).toBe('203.0.113.9');
    expect(clientIp('203.0.113.9', '198.51.100.1', undefined)).toBe('203.0.113.9');
  });

  it('is the right-most address no trusted proxy added, walking from the right', () => {
    // The client wrote "1.1.1.1" itself; 198.51.100.7 is what our first proxy saw.
    expect(clientIp('10.0.0.1', '1.1.1.1, 198.51.100.7, 10.0.0.2', proxies)).toBe('198.51.100.7');
    expect(clientIp('10.0.0.1', '198.51.100.7', proxies)).toBe('198.51.100.7');
  });

  it('is the socket address when a trusted proxy sent no X-Forwarded-For', () => {
    expect(clientIp('10.0.0.1', undefined, proxies)).toBe('10.0.0.1');
  });

  it('is the left-most address when every hop is a trusted proxy', () => {
    expect(clientIp('10.0.0.1', '10.0.0.2, 10.0.0.1', proxies)).toBe('10.0.0.2');
  });

  it('stops at the last trusted hop when an entry is not an address', () => {
    expect(clientIp('10.0.0.1', '198.51.100.7, unknown, 10.0.0.2', proxies)).toBe('10.0.0.2');
    expect(clientIp('10.0.0.1', 'garbage', proxies)).toBe('10.0.0.1');
  });

  it('reads ports, brackets, IPv4-mapped IPv6 peers and upper-case IPv6', () => {
    expect(clientIp('::ffff:10.0.0.1', '198.51.100.7:4711', proxies)).toBe('198.51.100.7');
    expect(clientIp('2001:DB8::1', '[2001:db8::beef]:443', proxies)).toBe('2001:db8::beef');
    expect(clientIp('::ffff:203.0.113.9', undefined, undefined)).toBe('203.0.113.9');
  });

  it('is "unknown" when the socket has no address (closed)', () => {
    expect(clientIp(undefined, '198.51.100.7', proxies)).toBe('unknown');
  });
});

describe('ipBucket', () => {
  it('keys an IPv4 client by its address', () => {
    expect(ipBucket('203.0.113.9')).toBe('203.0.113.9');
  });

  it('keys an IPv6 client by its /64, so rotating addresses inside it gains nothing', () => {
    expect(ipBucket('2001:db8:aa:bb:1::1')).toBe('2001:db8:aa:bb::/64');
    expect(ipBucket('2001:db8:aa:bb:ffff:ffff:ffff:ffff')).toBe('2001:db8:aa:bb::/64');
    expect(ipBucket('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(ipBucket('::1')).toBe('0:0:0:0::/64');
    expect(ipBucket('64:ff9b::198.51.100.7')).toBe('64:ff9b:0:0::/64');
  });
});

describe('createClientKey', () => {
  it('takes the first rule that applies: the sub, else the IP', () => {
    const keyOf = createClientKey(['sub', 'ip'], []);
    expect(keyOf(facts({ sub: 'alice', peer: '203.0.113.9' }))).toBe('sub:alice');
    expect(keyOf(facts({ peer: '203.0.113.9' }))).toBe('ip:203.0.113.9');
    // A token without a sub identifies nobody in particular.
    expect(keyOf(facts({ sub: '', peer: '203.0.113.9' }))).toBe('ip:203.0.113.9');
  });

  it('keys by an API-key header (name case-insensitive), hashed so the key itself is never stored', () => {
    const keyOf = createClientKey(['header:X-Api-Key', 'ip'], []);
    const a = keyOf(facts({ headers: { 'x-api-key': 'secret-a' }, peer: '203.0.113.9' }));
    const b = keyOf(facts({ headers: { 'x-api-key': 'secret-b' }, peer: '203.0.113.9' }));
    expect(a).toMatch(/^key:[A-Za-z0-9_-]{43}$/);
    expect(a).not.toContain('secret');
    expect(a).not.toBe(b);
    expect(keyOf(facts({ headers: { 'x-api-key': 'secret-a' }, peer: '198.51.100.1' }))).toBe(a);
    expect(keyOf(facts({ peer: '203.0.113.9' }))).toBe('ip:203.0.113.9');
  });

  it('puts requests no rule identifies in one shared bucket', () => {
    expect(createClientKey(['sub'], [])(facts({ peer: '203.0.113.9' }))).toBe('anonymous');
  });

  it('uses X-Forwarded-For only through trusted proxies', () => {
    const keyOf = createClientKey(['ip'], ['10.0.0.1']);
    expect(keyOf(facts({ peer: '10.0.0.1', headers: { 'x-forwarded-for': '198.51.100.7' } }))).toBe('ip:198.51.100.7');
    expect(keyOf(facts({ peer: '203.0.113.9', headers: { 'x-forwarded-for': '198.51.100.7' } }))).toBe('ip:203.0.113.9');
  });
});
