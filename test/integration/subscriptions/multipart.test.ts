import { meros } from 'meros/browser';
import type { TestGateway } from '../../helpers/gateway';
import { firstCode, postMultipart, startSampleFleet, TOP_PRODUCTS, type SampleFleet } from './httpFixture';

describe('multipart HTTP subscriptions (Apollo Router protocol)', () => {
  let fleet: SampleFleet;
  let gateway: TestGateway;

  beforeAll(async () => {
    fleet = await startSampleFleet();
    gateway = await fleet.gateway();
  });
  afterAll(() => fleet?.stop());

  it('answers a query with that Accept as one JSON result, as Router does', async () => {
    const res = await postMultipart(gateway.url, { query: TOP_PRODUCTS });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    // meros hands back a response that is not multipart untouched.
    const parts = await meros(res);
    expect(parts).toBe(res);
    expect(await res.json()).toEqual({ data: { topProducts: [{ upc: '1', name: expect.any(String) }, { upc: '2', name: expect.any(String) }] } });
  });

  it('refuses a bad token with 401 UNAUTHENTICATED and WWW-Authenticate, not a multipart body', async () => {
    const res = await postMultipart(gateway.url, { query: 'subscription { reviewAdded { id } }' }, { authorization: 'Bearer not.a-token' });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ errors: [{ message: 'Unauthenticated: malformed token.', extensions: { code: 'UNAUTHENTICATED' } }] });
  });

  it('answers a subscription with OPERATION_NOT_SUPPORTED when subscriptions are off', async () => {
    const off = await fleet.gateway('subscriptions:\n  enabled: false\n');
    const res = await postMultipart(off.url, { query: 'subscription { reviewAdded { id } }' });
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(firstCode((await res.json()) as never)).toBe('OPERATION_NOT_SUPPORTED');
  });
});
