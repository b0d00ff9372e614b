import { HeaderMap } from '@apollo/server';
import { createApolloServer, createPipeline, type OperationStream, type StreamItem, type Transport } from '../../src/pipeline';
import { createLogger } from '../../src/observability';
import { createRequestLimits } from '../../src/security';
import { createClientKey } from '../../src/traffic';
import { buildAuthenticator } from '../../src/server/authentication';
import type { Junction } from '../../src/server';
import type { JunctionConfig } from '../../src/config';

/** What the pipeline answered one operation, read as a transport would. */
export type Operated = { kind: 'refused'; status: number; code: string } | { kind: 'single'; body: { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } } | { kind: 'stream'; stream: OperationStream };

/**
 * The operation pipeline of a running Junction, driven in process without a transport: what every transport
 * calls (`pipeline.run`), so transport-neutral behaviour (subscriptions' policies) is tested once.
 */
export async function pipelineOf(
  junction: Junction,
  config: JunctionConfig,
): Promise<{ operate(body: unknown, headers?: Record<string, string>, transport?: Transport, facts?: { incremental?: boolean }): Promise<Operated>; stop(): Promise<void> }> {
  const logger = createLogger('silent');
  const limits = createRequestLimits({ limits: config.limits, logger, explainOnDryRun: false });
  const apollo = createApolloServer(junction.gateway, config, logger, limits, junction.operations, undefined, {});
  await apollo.start();
  const pipeline = createPipeline({
    batching: config.limits.batching,
    variables: config.limits.variables,
    authenticator: await buildAuthenticator(config),
    clientKeyOf: createClientKey(config.rateLimit.clientKey, config.rateLimit.trustedProxies),
    variantOf: (clientKey) => junction.gateway.variantOf(clientKey),
    rateLimiter: undefined,
    rateLimited: () => undefined,
    operations: junction.operations,
    preflight: limits.preflight,
  });
  return {
    async operate(body, headers = {}, transport = 'websocket', facts = {}) {
      const map = new HeaderMap();
      map.set('content-type', 'application/json');
      for (const [name, value] of Object.entries(headers)) map.set(name.toLowerCase(), value);
      const answer = await pipeline.run({ stable: apollo, canary: undefined }, { method: 'POST', headers: map, search: '', body, remoteAddress: '127.0.0.1' }, { requestFacts: undefined, span: undefined, transport, incremental: facts.incremental });
      if (answer.refused) return { kind: 'refused', status: answer.refused.status, code: answer.refused.code };
      if (answer.stream) return { kind: 'stream', stream: answer.stream };
      const response = answer.response;
      if (response.body.kind !== 'complete') throw new Error('chunked answer');
      return { kind: 'single', body: JSON.parse(response.body.string) };
    },
    stop: () => apollo.stop(),
  };
}

/** Reads a stream's items as they come; `next()` waits for the next one (or `done`). */
export function reader(stream: OperationStream): { next(timeoutMs?: number): Promise<StreamItem | 'done'> } {
  const iterator = stream[Symbol.asyncIterator]();
  return {
    async next(timeoutMs = 10_000) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no stream item within ${timeoutMs} ms`)), timeoutMs)));
      try {
        const item = await Promise.race([iterator.next(), timeout]);
        return item.done ? 'done' : item.value;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
