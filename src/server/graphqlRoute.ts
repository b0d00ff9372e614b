import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap } from '@apollo/server';
import { errorBody } from '../errors';
import { tracer, type Metrics, type RequestFacts, type TraceSpan } from '../observability';
import type { createPipeline, OperationRequest, Refusal, Engines } from '../pipeline';
import { setAnswerHeader } from './answerHeaders';
import { BodyIdle, BodyTooLarge, bodyIdleMessage, readBody } from './readBody';
import { jsonContentType, unsupportedCharset } from './requestChecks';
import { DEFER_FRAMING, serveMultipart, SUBSCRIPTION_FRAMING } from './multipartTransport';
import type { createSseTransport } from './sseTransport';
import type { StreamConnections } from './streamConnections';
import { acceptsIncrementalDelivery, streamingTransportOf, type StreamingSettings } from './streamingResponse';

type Pipeline = ReturnType<typeof createPipeline>;

/**
 * The HTTP transport of /graphql: adapts a POST or GET to an operation request, runs the pipeline
 * (pipeline/pipeline.ts) and writes its answer. With tracing on
 * the whole request is the `graphql.request` span, continuing the client's W3C `traceparent` when it sends one;
 * the span rides in the GraphQL context (`span`) to the plugins, the gateway and the subgraph client.
 */
export async function handleGraphQL(apollo: Engines, req: IncomingMessage, res: ServerResponse, options: Parameters<typeof serveGraphQL>[3]): Promise<void> {
  if (!tracer.enabled) return serveGraphQL(apollo, req, res, options, undefined);
  const traceparent = req.headers.traceparent;
  const span = tracer.startSpan('graphql.request', typeof traceparent === 'string' ? traceparent : undefined, 'server');
  span.setAttribute('http.request.method', req.method ?? 'GET');
  try {
    await serveGraphQL(apollo, req, res, options, span);
  } catch (err) {
    span.recordError(err);
    throw err;
  } finally {
    span.setAttribute('http.response.status_code', res.statusCode);
    span.end();
  }
}

async function serveGraphQL(
  apollo: Engines,
  req: IncomingMessage,
  res: ServerResponse,
  options: {
    maxBodyBytes: number;
    /** No byte of the body for this long → 408 (server.bodyIdleTimeoutMs). */
    bodyIdleTimeoutMs: number;
    /** The operation pipeline (pipeline/pipeline.ts): every policy, in order. */
    pipeline: Pipeline;
    /** Refusals answered before Apollo Server are counted like its answers (its metrics plugin). */
    metrics?: Metrics | undefined;
    /** This HTTP request's access-log record (observability/accessLog.ts). */
    requestFacts: RequestFacts | undefined;
    /** The streaming transports (SSE, multipart) chosen by the Accept header, and their shared connection bound. */
    streaming: { connections: StreamConnections; settings: StreamingSettings; sse: ReturnType<typeof createSseTransport> };
  },
  span: TraceSpan | undefined,
): Promise<void> {
  const started = performance.now();
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const refuse = (refusal: Refusal, closeConnection = false): void => {
    options.metrics?.httpRequest({ operationName: '', operationType: 'unknown', status: refusal.status, clientName: headers.get('apollographql-client-name'), seconds: (performance.now() - started) / 1000, codes: [refusal.code] });
    for (const [name, value] of refusal.headers ?? []) res.setHeader(name, value);
    sendJson(res, refusal.status, errorBody(refusal.code, refusal.message), closeConnection);
  };
  const method = (req.method ?? 'GET').toUpperCase();
  let body: unknown = undefined;
  // The HTTP transport's own part: read the body (bounded in size and idle time), UTF-8 JSON.
  if (method === 'POST') {
    let text: string;
    try {
      text = await readBody(req, { maxBytes: options.maxBodyBytes, idleTimeoutMs: options.bodyIdleTimeoutMs });
    } catch (err) {
      if (err instanceof BodyTooLarge) return refuse({ status: 413, code: 'PAYLOAD_TOO_LARGE', message: `Request body is larger than ${options.maxBodyBytes} bytes.` }, true);
      if (err instanceof BodyIdle) return refuse({ status: 408, code: 'REQUEST_TIMEOUT', message: bodyIdleMessage(options.bodyIdleTimeoutMs) }, true);
      throw err;
    }
    const jsonType = jsonContentType(headers.get('content-type'));
    if (jsonType) {
      const charset = unsupportedCharset(jsonType);
      if (charset !== undefined) return refuse({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: `Unsupported charset "${charset}": GraphQL requests are UTF-8 JSON.` });
      try {
        body = text.length > 0 ? JSON.parse(text) : undefined;
      } catch {
        return refuse({ status: 400, code: 'BAD_REQUEST', message: 'The request body is not valid JSON.' });
      }
    } else {
      // Other content types reach Apollo Server as text: its CSRF rule and content-type checks answer them.
      body = text;
    }
  }
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const request: OperationRequest = { method, headers, search: q >= 0 ? url.slice(q) : '', body, remoteAddress: req.socket.remoteAddress };
  const streaming = method === 'GET' || method === 'POST' ? streamingTransportOf(headers.get('accept')) : undefined;
  if (streaming === 'sse') {
    // The engine answers JSON; the SSE transport frames it (Apollo Server would refuse text/event-stream with 406).
    const engineHeaders = new HeaderMap(headers);
    engineHeaders.set('accept', 'application/json');
    const run = () => options.pipeline.run(apollo, { ...request, headers: engineHeaders }, { requestFacts: options.requestFacts, span, transport: 'sse' });
    return options.streaming.sse(req, res, { body, run, refuse });
  }
  // `@defer` parts as they come for a client that takes them (deferSpec=20220824); one whole answer otherwise. A
  // request for multipart subscriptions gets @defer whole: one response cannot speak both framings.
  const incremental = (method === 'GET' || method === 'POST') && streaming === undefined && acceptsIncrementalDelivery(headers.get('accept'));
  const answer = await options.pipeline.run(apollo, request, { requestFacts: options.requestFacts, span, transport: streaming, incremental });
  for (const [name, value] of answer.headers) res.setHeader(name, value);
  if (answer.refused) return refuse(answer.refused);
  if (answer.stream) {
    const framing = streaming === 'multipart' ? SUBSCRIPTION_FRAMING : DEFER_FRAMING;
    return serveMultipart(res, answer.stream, { ...options.streaming, refuse, framing, facts: options.requestFacts });
  }
  // Not a stream (a query or mutation, or the errors refusing a subscription): one JSON answer, as Router does.
  const result = answer.response;
  for (const [name, value] of result.headers) setAnswerHeader(res, name, value);
  res.statusCode = result.status ?? 200;
  if (result.body.kind === 'complete') {
    // As bytes: given a string, Node prepends the header block to it (a new 30–90 KB string per answer, copied
    // again to be written) and measures it for Content-Length; a Buffer is encoded once, off the JS heap.
    res.end(Buffer.from(result.body.string));
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
