import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { HeaderMap } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { parse } from 'graphql';

/** A real HTTP subgraph on port 0, built from SDL + resolvers, that counts the requests it receives. */
export interface TestSubgraph {
  name: string;
  url: string;
  sdl: string;
  /** Every request body received, in order (query, variables, operationName). */
  requests: Array<{ query: string; variables?: Record<string, unknown>; operationName?: string }>;
  /** The headers of every request received, in the same order. */
  headers: Array<Record<string, string | string[] | undefined>>;
  stop(): Promise<void>;
}

export interface TestSubgraphOptions {
  /** Extra response headers, from the parsed request body and its headers (e.g. cache tags). */
  responseHeaders?: (body: unknown, headers: Record<string, string | string[] | undefined>) => Record<string, string>;
  /** More of the resolvers' context, from the parsed request body (e.g. the forwarded claims in `extensions`). */
  context?: (body: unknown) => Record<string, unknown>;
}

/**
 * Resolvers get `{ headers }` as context: the subgraph request's headers (e.g. the gateway's identity token).
 * Apollo Server's cache-control plugin runs as in any subgraph: `@cacheControl` hints in the SDL become the
 * answer's Cache-Control header.
 */
export async function startTestSubgraph(name: string, sdl: string, resolvers: GraphQLResolverMap<unknown>, options: TestSubgraphOptions = {}): Promise<TestSubgraph> {
  const apollo = new ApolloServer({
    schema: buildSubgraphSchema({ typeDefs: parse(sdl), resolvers }),
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginInlineTraceDisabled()],
  });
  await apollo.start();
  const requests: TestSubgraph['requests'] = [];
  const received: TestSubgraph['headers'] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body: unknown = text ? JSON.parse(text) : undefined;
    if (body && typeof body === 'object') {
      requests.push(body as TestSubgraph['requests'][number]);
      received.push({ ...req.headers });
    }
    const headers = new HeaderMap();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'POST', headers, search: '', body },
      context: async () => ({ ...options.context?.(body), headers: req.headers }),
    });
    res.statusCode = result.status ?? 200;
    for (const [k, v] of result.headers) res.setHeader(k, v);
    for (const [k, v] of Object.entries(options.responseHeaders?.(body, req.headers) ?? {})) res.setHeader(k, v);
    res.end(result.body.kind === 'complete' ? result.body.string : '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    name,
    url: `http://127.0.0.1:${port}/graphql`,
    sdl,
    requests,
    headers: received,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await apollo.stop();
    },
  };
}
