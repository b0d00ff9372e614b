import { compileOriginCheck } from '../../../src/server/cors';
import { testConfig } from '../../helpers/gateway';

const settingsOf = (yaml: string) => testConfig(`cors:\n${yaml}`).cors;

describe('the WebSocket origin check (same settings as CORS)', () => {
  it('allows the listed origins exactly, and nothing else', () => {
    const allowed = compileOriginCheck(settingsOf('  origins: ["https://app.example.com"]\n'));
    expect(allowed('https://app.example.com')).toBe(true);
    for (const origin of ['https://app.example.com.evil.net', 'http://app.example.com', 'https://evil.net', 'null']) expect(allowed(origin)).toBe(false);
  });

  it('matches matchOrigins against the whole origin', () => {
    const allowed = compileOriginCheck(settingsOf('  origins: []\n  matchOrigins: ["https://[a-z]+\\\\.example\\\\.com"]\n'));
    expect(allowed('https://web.example.com')).toBe(true);
    expect(allowed('https://web.example.com.evil.net')).toBe(false);
    expect(allowed('https://evil.net/https://web.example.com')).toBe(false);
  });

  it('allows every origin with allowAny', () => {
    expect(compileOriginCheck(settingsOf('  allowAny: true\n'))('https://anything.example')).toBe(true);
  });

  it('allows only Apollo Studio by default', () => {
    const allowed = compileOriginCheck(testConfig().cors);
    expect(allowed('https://studio.apollographql.com')).toBe(true);
    expect(allowed('https://example.com')).toBe(false);
  });
});
