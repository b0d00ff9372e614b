import { ApolloServer, HeaderMap } from '@apollo/server';
import { ApolloServerPluginCacheControl } from '@apollo/server/plugin/cacheControl';
import { Invalidations, responseCachePlugin, withStoredAnswer, type CacheContext, type StoredAnswerSlot } from '../../../src/cache';
import { createLogger } from '../../../src/observability';
import { MemoryStore } from '../../../src/store';

interface Context extends CacheContext {
  /** Whether this request's answer goes out as a stream (as the gateway does for @defer to a client taking parts). */
  inParts: boolean;
}

/**
 * The response-cache rule for streamed answers, on Apollo Server alone: the engine's response of an answer sent
 * in parts is a placeholder (`{}`) and must never be stored, while a whole answer is stored as always.
 */
describe('response cache and answers sent in parts', () => {
  let executed = 0;
  let server: ApolloServer<Context>;

  beforeAll(async () => {
    const store = new MemoryStore({ maxBytes: 1_000_000 });
    server = new ApolloServer<Context>({
      typeDefs: 'type Query { top: Int }',
      resolvers: {
        Query: {
          top: (_root: unknown, _args: unknown, context: Context) => {
            executed++;
            context.responseTags = new Set(['top']);
            if (context.inParts) {
              (context.streamed as { stream: unknown }).stream = { placeholder: true };
              return null;
            }
            return 7;
          },
        },
      },
      plugins: [
        ApolloServerPluginCacheControl({ defaultMaxAge: 60 }),
        responseCachePlugin({
          store,
          invalidations: new Invalidations(store, 60_000),
          gateway: { supergraphIdOf: () => 'sg', authorizationKey: async () => '', subgraphRequestsKey: async () => '' },
          maxTtlSec: 60,
          varyHeaders: [],
          logger: createLogger('silent'),
        }),
      ],
    });
    await server.start();
  });
  afterAll(() => server.stop());

  const ask = async (inParts: boolean) => {
    // As the pipeline does: a slot per operation, whose stored bytes replace the engine's body.
    const storedAnswer: StoredAnswerSlot = { conditional: false };
    const engine = await server.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: 'POST', headers: new HeaderMap([['content-type', 'application/json']]), search: '', body: { query: '{ top }' } },
      context: async () => ({ inParts, streamed: { stream: undefined }, storedAnswer }),
    });
    const response = withStoredAnswer(engine, storedAnswer);
    return { age: response.headers.get('age') ?? null, body: response.body.kind === 'complete' ? (JSON.parse(response.body.string) as unknown) : undefined };
  };

  it('never stores the placeholder of an answer sent in parts; stores the whole answer, which then serves every client', async () => {
    await ask(true);
    await ask(true);
    expect(executed).toBe(2);
    // Not the placeholder: computed.
    expect(await ask(false)).toEqual({ age: null, body: { data: { top: 7 } } });
    expect(executed).toBe(3);
    // Stored now; a client taking parts gets it whole (a valid answer to it).
    expect(await ask(true)).toEqual({ age: expect.stringMatching(/^\d+$/), body: { data: { top: 7 } } });
    expect(executed).toBe(3);
  });
});
