import { fork, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** How much of a child's stdout/stderr to keep for error messages. */
const OUTPUT_TAIL_BYTES = 8 * 1024;
/** How long a child gets to exit after SIGTERM before it is SIGKILLed. */
const STOP_GRACE_MS = 5_000;

/** Every child started and not yet exited, so that errors and Ctrl-C can still clean up. */
const live = new Set<ManagedChild>();

export interface SubgraphEndpoint {
  readonly name: string;
  readonly url: string;
}

/** The message bench/subgraphsProcess.ts sends over IPC once all four subgraphs listen. */
export type SubgraphsMessage =
  | {
      readonly type: 'ready';
      readonly subgraphs: readonly SubgraphEndpoint[];
      /** The same subgraphs behind fronts that answer every request `Cache-Control: public, max-age=60` (cache-hit workloads). */
      readonly publicSubgraphs: readonly SubgraphEndpoint[];
    }
  | { readonly type: 'error'; readonly message: string };

/** A child process the bench owns: its output tail (for diagnostics), its exit, and how to stop it. */
export class ManagedChild {
  private tail = '';
  private exitDescription: string | undefined;
  /** Resolves once the process has exited (or could not be spawned). Never rejects. */
  readonly exited: Promise<void>;

  constructor(
    readonly label: string,
    readonly proc: ChildProcess,
  ) {
    live.add(this);
    // Always drain the pipes: a child blocked on a full stdout pipe would stall mid-benchmark.
    const append = (chunk: Buffer): void => {
      this.tail = (this.tail + chunk.toString('utf8')).slice(-OUTPUT_TAIL_BYTES);
    };
    proc.stdout?.on('data', append);
    proc.stderr?.on('data', append);
    this.exited = new Promise((resolve) => {
      proc.once('exit', (code, signal) => {
        this.exitDescription = signal ? `killed by ${signal}` : `exited with code ${String(code)}`;
        live.delete(this);
        resolve();
      });
      // Spawn failures emit 'error' and maybe never 'exit'; treat them as an exit too.
      proc.once('error', (error) => {
        this.exitDescription ??= `failed: ${error.message}`;
        live.delete(this);
        resolve();
      });
    });
  }

  get pid(): number {
    if (this.proc.pid === undefined) throw new Error(`${this.label} has no pid (${this.exitDescription ?? 'not started'})`);
    return this.proc.pid;
  }

  get running(): boolean {
    return this.exitDescription === undefined;
  }

  /** e.g. "exited with code 1", or undefined while running. */
  get exitReason(): string | undefined {
    return this.exitDescription;
  }

  /** The last few KiB the child printed, for error messages. */
  output(): string {
    return this.tail.trim();
  }

  /** A one-paragraph explanation of why the child is gone, with its last output. */
  describeFailure(): string {
    const out = this.output();
    return `${this.label} ${this.exitDescription ?? 'is still running'}${out ? `; its last output:\n${indent(out)}` : ' and printed nothing'}`;
  }

  /** SIGTERM, then SIGKILL if it has not exited within the grace period. Safe to call twice. */
  async stop(graceMs = STOP_GRACE_MS): Promise<void> {
    if (!this.running) return;
    this.proc.kill('SIGTERM');
    const timer = sleep(graceMs, 'timeout' as const);
    if ((await Promise.race([this.exited.then(() => 'exited' as const), timer])) === 'timeout') {
      this.proc.kill('SIGKILL');
      await this.exited;
    }
  }
}

/** The parent's environment plus what every benchmark child must have. */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, APOLLO_TELEMETRY_DISABLED: 'true', ...extra };
}

/** Runs `node [nodeArgs] <script> <args>` as a plain child (no IPC), so its pid is the node process itself. */
export function spawnNode(label: string, script: string, args: readonly string[], env: NodeJS.ProcessEnv, nodeArgs: readonly string[] = []): ManagedChild {
  return new ManagedChild(label, spawn(process.execPath, [...nodeArgs, script, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] }));
}

/**
 * Starts bench/subgraphsProcess.js (compiled) in its own process and waits for the URLs it reports.
 * Subgraphs run outside the harness so their CPU never lands in the load generator's process, and
 * outside the gateways so each gateway's /proc numbers are its own.
 */
export async function startSubgraphsProcess(
  script: string,
  env: NodeJS.ProcessEnv,
  timeoutMs = 30_000,
): Promise<{ child: ManagedChild; subgraphs: readonly SubgraphEndpoint[]; publicSubgraphs: readonly SubgraphEndpoint[] }> {
  const child = new ManagedChild('subgraphs process', fork(script, [], { env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] }));
  const message = await new Promise<SubgraphsMessage | undefined>((resolve) => {
    const timer = setTimeout(() => resolve(undefined), timeoutMs);
    child.proc.once('message', (m) => {
      clearTimeout(timer);
      resolve(m as SubgraphsMessage);
    });
    void child.exited.then(() => {
      clearTimeout(timer);
      resolve(undefined);
    });
  });
  if (message?.type === 'ready' && Array.isArray(message.subgraphs) && message.subgraphs.length > 0) {
    return { child, subgraphs: message.subgraphs, publicSubgraphs: message.publicSubgraphs };
  }
  const reason =
    message?.type === 'error'
      ? `failed to start subgraphs: ${message.message}`
      : child.running
        ? `did not report its subgraphs within ${timeoutMs} ms`
        : child.describeFailure();
  await child.stop();
  throw new Error(`Subgraphs process: ${reason}`);
}

/**
 * A port that was free a moment ago. Children we do not control cannot report a port they chose
 * themselves, so bind port 0, read what the OS picked, release it and pass it on. There is a small
 * race (someone else may take it first); a failed listen then shows up as a child exiting early.
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port: 0, host }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('could not determine a free port'))));
    });
  });
}

/**
 * Polls `probe` until it returns true. Fails fast if the child exits (e.g. bad arguments, port taken)
 * instead of waiting out the whole timeout.
 */
export async function waitUntilReady(child: ManagedChild, probe: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!child.running) throw new Error(child.describeFailure());
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) {
      throw new Error(`${child.label} did not become ready within ${timeoutMs} ms; its last output:\n${indent(child.output() || '(none)')}`);
    }
    await sleep(100);
  }
}

/** Stops every child still alive (in parallel: each has its own grace period). */
export async function stopAllChildren(): Promise<void> {
  await Promise.all([...live].map((child) => child.stop()));
}

/**
 * Last resort for `process.on('exit')`, where nothing async can run: SIGKILL whatever is left so no
 * gateway or subgraph outlives the harness and holds its port.
 */
export function killAllChildrenNow(): void {
  for (const child of live) child.proc.kill('SIGKILL');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}
