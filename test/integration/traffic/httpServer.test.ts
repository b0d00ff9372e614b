import { connect } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'node:https';
import { startGatewayFor } from '../../helpers/gateway';
import { startTestSubgraph, type TestSubgraph } from '../../helpers/subgraph';

const fed = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])';
const TLS = join(__dirname, '../../fixtures/tls');

describe('HTTP server bounds', () => {
  let subgraph: TestSubgraph;
  beforeAll(async () => {
    subgraph = await startTestSubgraph('hello', `${fed} type Query { hello: String }`, { Query: { hello: () => 'world' } });
  });
  afterAll(() => subgraph?.stop());

  it('answers 431 to a request head over server.maxHeaderBytes', async () => {
    const gateway = await startGatewayFor([subgraph], 'server:\n  maxHeaderBytes: 2048\n');
    try {
      const big = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-padding': 'x'.repeat(4096) }, body: '{"query":"{ hello }"}' });
      expect(big.status).toBe(431);
      expect((await gateway.post('{ hello }')).body).toEqual({ data: { hello: 'world' } });
    } finally {
      await gateway.stop();
    }
  });

  it('closes a connection that does not finish its headers within server.headersTimeoutMs (slow loris)', async () => {
    const gateway = await startGatewayFor([subgraph], 'server:\n  headersTimeoutMs: 500\n  requestTimeoutMs: 1000\n');
    try {
      const { port } = new URL(gateway.url);
      const started = Date.now();
      const closed = await new Promise<number>((resolve) => {
        const socket = connect(Number(port), '127.0.0.1', () => socket.write('POST /graphql HTTP/1.1\r\nHost: x\r\n'));
        socket.on('data', () => undefined);
        socket.on('close', () => resolve(Date.now() - started));
      });
      expect(closed).toBeGreaterThanOrEqual(450);
      expect(closed).toBeLessThan(3000);
    } finally {
      await gateway.stop();
    }
  });

  it('serves HTTPS from server.tls certificate and key files', async () => {
    const gateway = await startGatewayFor([subgraph], `server:\n  tls:\n    certFile: ${join(TLS, 'cert.pem')}\n    keyFile: ${join(TLS, 'key.pem')}\n`);
    try {
      expect(gateway.url).toMatch(/^https:/);
      const body = await new Promise<string>((resolve, reject) => {
        const req = request(gateway.url, { method: 'POST', ca: readFileSync(join(TLS, 'cert.pem')), headers: { 'content-type': 'application/json' } }, (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve(text));
        });
        req.on('error', reject);
        req.end('{"query":"{ hello }"}');
      });
      expect(JSON.parse(body)).toEqual({ data: { hello: 'world' } });
    } finally {
      await gateway.stop();
    }
  });
});
