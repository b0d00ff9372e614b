import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';

/**
 * Real Redis for tests: the shared one (REDIS_URL, or a local 6379) when there is one, else servers started
 * here. Tests never skip for want of Redis. Jest loads this module afresh for each test file, so whatever a
 * file started is killed when that file ends.
 */

export interface PrivateRedis {
  url: string;
  port: number;
  /** Kills the server (as a crash would) and waits until it is gone. */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
}

const running = new Set<ChildProcess>();
afterAll(async () => {
  await Promise.all([...running].map(kill));
});

let shared: Promise<string> | undefined;

/** A Redis every test of the file can use; keys must come from uniquePrefix. */
export function sharedRedisUrl(): Promise<string> {
  shared ??= (async () => {
    if (process.env.REDIS_URL) return process.env.REDIS_URL;
    if (await answersPing(6379)) return 'redis://127.0.0.1:6379';
    return (await startPrivateRedis()).url;
  })();
  return shared;
}

/** A redis-server of the test's own, which it may stop and start again. */
export async function startPrivateRedis(extraArgs: readonly string[] = []): Promise<PrivateRedis> {
  let port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    child = await spawnRedis(port, extraArgs);
  };
  // Another process may take the free port before redis-server binds it: try a few.
  for (let attempt = 1; ; attempt++) {
    try {
      await start();
      break;
    } catch (err) {
      if (attempt === 3 || (err as Error).message.includes('apt-get')) throw err;
      port = await freePort();
    }
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    start,
    stop: async () => {
      if (child) await kill(child);
      child = undefined;
    },
  };
}

/** Three masters sharing the 16384 slots, with no replicas. */
export async function startPrivateRedisCluster(): Promise<{ urls: string[]; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'junction-redis-cluster-'));
  const nodes = await Promise.all([0, 1, 2].map(() => startPrivateRedis(['--cluster-enabled', 'yes', '--cluster-node-timeout', '1000', '--cluster-config-file', `nodes-${randomBytes(4).toString('hex')}.conf`, '--dir', dir])));
  const clients = nodes.map((node) => new Redis(node.port, { lazyConnect: true }));
  try {
    await Promise.all(
      clients.map(async (client, i) => {
        const slots: number[] = [];
        for (let slot = Math.floor((i * 16384) / 3); slot < Math.floor(((i + 1) * 16384) / 3); slot++) slots.push(slot);
        await client.call('CLUSTER', 'ADDSLOTS', ...slots);
        if (i > 0) await client.call('CLUSTER', 'MEET', '127.0.0.1', String(nodes[0]!.port));
      }),
    );
    const deadline = Date.now() + 10_000;
    for (const client of clients) {
      while (!String(await client.call('CLUSTER', 'INFO')).includes('cluster_state:ok')) {
        if (Date.now() > deadline) throw new Error('Redis cluster did not become ready');
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    }
  } finally {
    for (const client of clients) client.disconnect();
  }
  return {
    urls: nodes.map((node) => node.url),
    stop: async () => {
      await Promise.all(nodes.map((node) => node.stop()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A key prefix no other test (or earlier run) uses. */
export function uniquePrefix(label: string): string {
  return `junction-test:${label}:${randomBytes(6).toString('hex')}:`;
}

async function spawnRedis(port: number, extraArgs: readonly string[]): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...extraArgs], { stdio: 'ignore' });
  // The worker must not wait for the server to exit: the exit hook (or stop) kills it.
  child.unref();
  running.add(child);
  let failure: Error | undefined;
  child.once('error', (err: NodeJS.ErrnoException) => {
    failure =
      err.code === 'ENOENT'
        ? new Error('redis-server is not installed: the Redis tests need it (apt-get install redis-server), or REDIS_URL pointing at a Redis')
        : err;
  });
  child.once('exit', (code) => {
    running.delete(child);
    failure ??= new Error(`redis-server on port ${port} exited (code ${code}) before answering`);
  });
  const deadline = Date.now() + 5_000;
  for (;;) {
    if (failure) throw failure;
    if (await answersPing(port)) return child;
    if (Date.now() > deadline) {
      await kill(child);
      throw new Error(`redis-server on port ${port} did not answer PING within 5 s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** PING over a raw socket: no client library retrying in the background. */
function answersPing(port: number, timeoutMs = 300): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

/** A port nothing listens on right now (bound on port 0, read back, released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
