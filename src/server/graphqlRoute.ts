import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import { errorBody } from '../errors';
import type { Logger } from '../observability';
import { BodyTooLarge, readBody } from './readBody';

const JSON_TYPES = ['application/json', 'application/graphql-response+json'];

/** Hands one HTTP request on /graphql to Apollo Server's request pipeline and writes its answer. */
export async function handleGraphQL(
  apollo: ApolloServer,
  req: IncomingMessage,
  res: ServerResponse,
  options: { maxBodyBytes: number; logger: Logger },
): Promise<void> {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const method = (req.method ?? 'GET').toUpperCase();
  let body: unknown = undefined;
  if (method === 'POST') {
    let text: string;
    try {
      text = await readBody(req, options.maxBodyBytes);
    } catch (err) {
      if (err instanceof BodyTooLarge) return sendJson(res, 413, errorBody('PAYLOAD_TOO_LARGE', `Request body is larger than ${options.maxBodyBytes} bytes.`), true);
      throw err;
    }
    const contentType = (headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (JSON_TYPES.includes(contentType)) {
      try {
        body = text.length > 0 ? JSON.parse(text) : undefined;
      } catch {
        return sendJson(res, 400, errorBody('BAD_REQUEST', 'The request body is not valid JSON.'));
      }
    } else {
      // Other content types reach Apollo Server as text: its CSRF rule and content-type checks answer them.
      body = text;
    }
  }
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const result = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method, headers, search: q >= 0 ? url.slice(q) : '', body },
    context: async () => ({}),
  });
  for (const [name, value] of result.headers) res.setHeader(name, value);
  res.statusCode = result.status ?? 200;
  if (result.body.kind === 'complete') {
    res.end(result.body.string);
    return;
  }
  for await (const chunk of result.body.asyncIterator) res.write(chunk);
  res.end();
}

export function sendJson(res: ServerResponse, status: number, body: string, closeConnection = false): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  // After refusing a body we did not read, the connection cannot be reused for the next request.
  if (closeConnection) res.setHeader('connection', 'close');
  res.end(body);
}
