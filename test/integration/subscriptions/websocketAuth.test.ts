import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { startTestSubgraph, type TestSubgraph } from '../../helpers/subgraph';
import { startGatewayFor, type TestGateway } from '../../helpers/gateway';
import { closeClients, operate, rawSocket, upgradeAnswer, wsClient } from './wsClient';

const fed = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';
const SECRET = 'a-test-secret-that-is-at-least-32-bytes-long!';
const AUTH = `auth:\n  devKey: false\n  algorithms: [HS256]\n  require: true\n  secrets:\n    - secret: "${SECRET}"\n`;

const sign = (claims: Record<string, unknown>, secret = SECRET): Promise<string> =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime('5m').sign(new TextEncoder().encode(secret));

describe('WebSocket authentication and origin', () => {
  let subgraph: TestSubgraph;
  let gateway: TestGateway;
  const HELLO = { query: '{ hello }' };
  const ANSWERED = { results: [{ data: { hello: 'hi' } }], completed: true };

  beforeAll(async () => {
    subgraph = await startTestSubgraph('s', `${fed} type Query { hello: String }`, { Query: { hello: () => 'hi' } });
    gateway = await startGatewayFor([subgraph], `${AUTH}cors:\n  origins: ["https://app.example.com"]\n`);
  });
  afterEach(() => closeClients());
  afterAll(async () => {
    await gateway.stop();
    await subgraph.stop();
  });
  beforeEach(() => (subgraph.requests.length = 0));

  it('accepts a token in the connection_init payload (Authorization or authorization)', async () => {
    const token = await sign({ sub: 'u1' });
    expect(await operate(wsClient(gateway.url, { connectionParams: { Authorization: `Bearer ${token}` } }), HELLO)).toEqual(ANSWERED);
    expect(await operate(wsClient(gateway.url, { connectionParams: { authorization: `Bearer ${token}` } }), HELLO)).toEqual(ANSWERED);
  });

  it('accepts the token of the upgrade request\'s Authorization header', async () => {
    const headers = { authorization: `Bearer ${await sign({ sub: 'u1' })}` };
    const withHeader = class extends WebSocket {
      constructor(url: string, protocols: string) {
        super(url, protocols, { headers });
      }
    };
    const client = wsClient(gateway.url, { webSocketImpl: withHeader });
    expect(await operate(client, HELLO)).toEqual(ANSWERED);
  });

  it('reads the token from the upgrade request\'s cookie when auth.cookie is set, and puts connection_init\'s Authorization in auth.header', async () => {
    const other = await startGatewayFor([subgraph], `${AUTH}  header: x-token\n  cookie: session\n`);
    try {
      const token = await sign({ sub: 'u1' });
      const withCookie = class extends WebSocket {
        constructor(url: string, protocols: string) {
          super(url, protocols, { headers: { cookie: `theme=dark; session=${token}` } });
        }
      };
      expect(await operate(wsClient(other.url, { webSocketImpl: withCookie }), HELLO)).toEqual(ANSWERED);
      expect(await operate(wsClient(other.url, { connectionParams: { Authorization: `Bearer ${token}` } }), HELLO)).toEqual(ANSWERED);
      expect((await operate(wsClient(other.url), HELLO)).error).toEqual({ code: 4401, reason: 'UNAUTHENTICATED: Unauthenticated: no token.' });
    } finally {
      await closeClients();
      await other.stop();
    }
  });

  it('closes 4401 without a token when auth.require is on, and calls no subgraph', async () => {
    const outcome = await operate(wsClient(gateway.url), HELLO);
    expect(outcome.error).toEqual({ code: 4401, reason: 'UNAUTHENTICATED: Unauthenticated: no token.' });
    expect(subgraph.requests).toHaveLength(0);
  });

  it.each([
    ['a token signed with another key', () => sign({ sub: 'u1' }, 'another-secret-that-is-also-32-bytes-long!!'), 'UNAUTHENTICATED: Unauthenticated: signature invalid.'],
    ['a malformed token', async () => 'not.a-token', 'UNAUTHENTICATED: Unauthenticated: malformed token.'],
  ])('closes 4401 for %s', async (_title, token, reason) => {
    const outcome = await operate(wsClient(gateway.url, { connectionParams: { Authorization: `Bearer ${await token()}` } }), HELLO);
    expect(outcome.error).toEqual({ code: 4401, reason });
    expect(subgraph.requests).toHaveLength(0);
  });

  it('refuses the upgrade from a page on an origin cors does not allow with 403 (cross-site WebSocket hijacking)', async () => {
    const answer = await upgradeAnswer(rawSocket(gateway.url, { headers: { origin: 'https://evil.example.net' } }));
    expect(answer).toEqual({ status: 403, body: { errors: [{ message: 'Origin https://evil.example.net may not open a WebSocket (cors).', extensions: { code: 'ORIGIN_NOT_ALLOWED' } }] } });
  });

  it('opens the socket for an allowed origin, and without Origin (not a browser)', async () => {
    expect((await upgradeAnswer(rawSocket(gateway.url, { headers: { origin: 'https://app.example.com' } }))).status).toBe(101);
    expect((await upgradeAnswer(rawSocket(gateway.url))).status).toBe(101);
  });
});
