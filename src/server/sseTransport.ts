import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHandler, type ExecutionResult } from 'graphql-sse';
import type { ErrorCode } from '../errors';
import type { OperationStream, PipelineAnswer, Refusal } from '../pipeline';
import { setAnswerHeader } from './answerHeaders';
import type { StreamConnections } from './streamConnections';
import { endSlowConsumer, openStreamResponse, overBuffered, SLOW_CONSUMER_ERROR, type StreamingSettings } from './streamingResponse';

/** One SSE request as graphqlRoute hands it over: its body already read (bounded) and parsed. */
export interface SseCall {
  /** The parsed JSON body (POST), undefined for GET. */
  body: unknown;
  /** Runs the pipeline for this request (transport 'sse'). */
  run: () => Promise<PipelineAnswer>;
  /** Answers a refusal (status, JSON error body with its code, counted like every refusal). */
  refuse: (refusal: Refusal) => void;
}

/** What the library's onSubscribe hook learns for the outer writer. */
interface Outcome {
  answer?: PipelineAnswer;
  refused?: Refusal;
  /** A subscription's stream in its slot: `leave` closes it (slow consumer; the client leaving is handled). */
  stream?: { leave: (reason?: 'slow_consumer') => void };
}

/** A placeholder answer for the library when the request was refused: the writer answers the refusal itself. */
const REFUSED = [null, { status: 500, statusText: 'Refused' }] as const;

// The library's own refusals (a malformed request) carry no code; every error a client sees has one.
const LIBRARY_CODES: Record<number, ErrorCode> = { 405: 'METHOD_NOT_ALLOWED', 415: 'UNSUPPORTED_MEDIA_TYPE' };

/**
 * GraphQL over Server-Sent Events (the `graphql-sse` protocol, distinct-connections mode): the library speaks
 * the protocol (request parameters, `next`/`complete` events, keep-alive comments); every operation goes through
 * the pipeline from its onSubscribe hook, so no policy lives here. A subscription's stream takes a slot among
 * the long-lived connections; a terminal `{end}` item becomes a last `next` with its error, then `complete`.
 */
export function createSseTransport(connections: StreamConnections, settings: StreamingSettings) {
  const handler = createHandler<IncomingMessage, Outcome & { run: SseCall['run']; res: ServerResponse }>({
    onSubscribe: async (req) => {
      const outcome = req.context;
      const answer = await outcome.run();
      outcome.answer = answer;
      if (answer.refused) {
        outcome.refused = answer.refused;
        return REFUSED;
      }
      if (answer.stream) {
        const opened = openStreamResponse(connections, outcome.res, answer.stream);
        if ('refused' in opened) {
          outcome.refused = opened.refused;
          return REFUSED;
        }
        outcome.stream = opened;
        return resultsOf(answer.stream);
      }
      return once(singleResultOf(answer));
    },
  });

  return async function serveSse(req: IncomingMessage, res: ServerResponse, call: SseCall): Promise<void> {
    const outcome: Outcome & { run: SseCall['run']; res: ServerResponse } = { run: call.run, res };
    const [body, init] = await handler({
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: {
        // The route chose SSE from a broader Accept; the library wants it exact. Its stream token (single
        // connection mode, which needs per-token server state) is not offered: every request is its own stream.
        get: (name) => (name === 'accept' ? 'text/event-stream' : name === 'x-graphql-event-stream-token' ? undefined : headerOf(req, name)),
      },
      body: (call.body ?? null) as Record<PropertyKey, unknown> | null,
      raw: req,
      context: outcome,
    });
    for (const [name, value] of outcome.answer?.headers ?? []) res.setHeader(name, value);
    if (outcome.refused) return call.refuse(outcome.refused);
    if (body === null || typeof body === 'string') return call.refuse(libraryRefusal(body, init.status, init.statusText));
    if (outcome.answer && !outcome.answer.refused) {
      for (const [name, value] of outcome.answer.response.headers) if (name !== 'content-type' && name !== 'content-length') setAnswerHeader(res, name, value);
    }
    res.writeHead(init.status, init.statusText, init.headers);
    const stream = outcome.stream;
    for (;;) {
      const next = await body.next();
      if (next.done) break;
      if (!res.writable) {
        // The client left: its stream is closed (openStreamResponse), after which the library's queue ends.
        void body.return(undefined).catch(() => undefined);
        return;
      }
      if (stream && overBuffered(res, settings)) {
        stream.leave('slow_consumer');
        endSlowConsumer(res, `event: next\ndata: ${JSON.stringify({ errors: [SLOW_CONSUMER_ERROR] })}\n\nevent: complete\ndata:\n\n`);
        // The library's queue ends once the stream has (closed above); nothing more is read from it.
        void body.return(undefined).catch(() => undefined);
        return;
      }
      res.write(next.value);
    }
    if (res.writable) res.end();
  };
}

/** A subscription's items as the library's results: a terminal error becomes the last result. */
async function* resultsOf(stream: OperationStream): AsyncGenerator<ExecutionResult> {
  for await (const item of stream) {
    if ('end' in item) {
      yield { errors: [item.end] } as unknown as ExecutionResult;
      return;
    }
    yield item.result as unknown as ExecutionResult;
  }
}

async function* once(result: ExecutionResult): AsyncGenerator<ExecutionResult> {
  yield result;
}

/** A query's or mutation's answer (or the errors refusing a subscription), as one `next` event. */
function singleResultOf(answer: Extract<PipelineAnswer, { refused: undefined }>): ExecutionResult {
  const body = answer.response.body;
  if (body.kind === 'complete') return JSON.parse(body.string) as ExecutionResult;
  return { errors: [{ message: 'Incremental delivery (@defer) is not available over SSE.', extensions: { code: 'OPERATION_NOT_SUPPORTED' } }] } as unknown as ExecutionResult;
}

function libraryRefusal(body: string | null, status: number, statusText: string): Refusal {
  let message = statusText;
  try {
    const parsed = body ? (JSON.parse(body) as { errors?: Array<{ message?: unknown }> }) : undefined;
    if (typeof parsed?.errors?.[0]?.message === 'string') message = parsed.errors[0].message;
  } catch {
    // Not JSON: the status text says it.
  }
  return { status, code: LIBRARY_CODES[status] ?? 'BAD_REQUEST', message };
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}
