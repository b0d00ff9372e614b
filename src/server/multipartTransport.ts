import type { ServerResponse } from 'node:http';
import type { GraphQLFormattedError } from 'graphql';
import type { RequestFacts } from '../observability';
import type { OperationStream, Refusal, StreamResult } from '../pipeline';
import type { StreamConnections } from './streamConnections';
import { endSlowConsumer, openStreamResponse, overBuffered, SLOW_CONSUMER_ERROR, type StreamingSettings } from './streamingResponse';

/**
 * What tells one multipart protocol of Apollo Router's from the other: its content type, whether it beats, and
 * the JSON of each part. The mechanism (slot, flushing, client leaving, slow consumer) is one, below.
 */
export interface MultipartFraming {
  /** The response content type; its `boundary` parameter is `boundary`. */
  contentType: string;
  boundary: string;
  /** An empty `{}` part every multipartHeartbeatMs, so proxies and clients see a long-lived connection alive. */
  heartbeat: boolean;
  result(result: StreamResult): unknown;
  /** The part of a terminal error (shutdown, slow consumer, upstream gone...), the last before the end. */
  terminal(error: GraphQLFormattedError): unknown;
  /** The part a stream that completed still owes its client (undefined: none), given the last result written. */
  completion(last: StreamResult | undefined): unknown;
}

/**
 * Multipart HTTP subscriptions as Apollo Client speaks them to Apollo Router (`subscriptionSpec="1.0"`): a JSON
 * part per event (`{"payload": result}`), heartbeats, a terminal error as `{"payload": null, "errors": [...]}`.
 */
export const MULTIPART_SUBSCRIPTION_TYPE = 'multipart/mixed;boundary="graphql";subscriptionSpec="1.0"';
export const SUBSCRIPTION_FRAMING: MultipartFraming = {
  contentType: MULTIPART_SUBSCRIPTION_TYPE,
  boundary: 'graphql',
  heartbeat: true,
  result: (result) => ({ payload: result }),
  terminal: (error) => ({ payload: null, errors: [error] }),
  completion: () => undefined,
};

/**
 * `@defer` incremental delivery as Router answers Apollo Client (`deferSpec=20220824`): each result as it is
 * (`{data, hasNext: true}` then `{incremental: [...], hasNext}`), no heartbeat (the parts come as fast as the
 * subgraphs answer, and the client waits for them anyway). A terminal error closes the answer with
 * `{"hasNext": false, "errors": [...]}`; a stream that stopped before saying `hasNext: false` gets it said, so a
 * client never waits for a part that will not come.
 */
// The (and Apollo Server's) wire format for @defer: boundary "-"; Apollo Client reads the boundary from here.
export const MULTIPART_DEFER_TYPE = 'multipart/mixed; boundary="-"; deferSpec=20220824';
export const DEFER_FRAMING: MultipartFraming = {
  contentType: MULTIPART_DEFER_TYPE,
  boundary: '-',
  heartbeat: false,
  result: (result) => result,
  terminal: (error) => ({ hasNext: false, errors: [error] }),
  completion: (last) => (last?.hasNext === false ? undefined : { hasNext: false }),
};

// Each part is written together with the delimiter that ends it, so a reader can hand the part over at once
// instead of waiting for the next one to learn that the part is complete (Router does the same).
const PART_HEADERS = '\r\ncontent-type: application/json\r\n\r\n';
const CLOSE = '--\r\n';

export interface MultipartOptions {
  connections: StreamConnections;
  settings: StreamingSettings;
  refuse: (refusal: Refusal) => void;
  /** The subscription framing when absent. */
  framing?: MultipartFraming | undefined;
  /** The access-log record: `parts` counts the parts written (heartbeats aside). */
  facts?: RequestFacts | undefined;
}

/**
 * Answers an operation's stream (a subscription's events, or a `@defer` query's parts) as a multipart response,
 * in a slot among the long-lived connections (refused with 503 before anything streams when there is none);
 * resolves when the response has ended. Each part is flushed as it comes. The client leaving (the response
 * closes) closes the stream, which frees its upstream subscription or stops its deferred fetches.
 */
export async function serveMultipart(res: ServerResponse, stream: OperationStream, options: MultipartOptions): Promise<void> {
  const opened = openStreamResponse(options.connections, res, stream);
  if ('refused' in opened) return options.refuse(opened.refused);
  const { settings, facts } = options;
  const framing = options.framing ?? SUBSCRIPTION_FRAMING;
  const delimiter = `\r\n--${framing.boundary}`;
  const part = (body: unknown): string => `${PART_HEADERS}${JSON.stringify(body)}${delimiter}`;
  let finished = false;
  const leave = (reason?: 'slow_consumer'): void => {
    finished = true;
    opened.leave(reason);
  };
  const counted = (): void => {
    if (facts) facts.parts = (facts.parts ?? 0) + 1;
  };
  const write = (body: unknown, heartbeat = false): void => {
    if (finished || !res.writable) return;
    if (overBuffered(res, settings)) {
      leave('slow_consumer');
      counted();
      return endSlowConsumer(res, part(framing.terminal(SLOW_CONSUMER_ERROR)) + CLOSE);
    }
    if (!heartbeat) counted();
    res.write(part(body));
  };
  res.statusCode = 200;
  res.setHeader('content-type', framing.contentType);
  res.setHeader('cache-control', 'no-cache');
  res.removeHeader('content-length');
  res.write(delimiter);
  const heartbeat = framing.heartbeat ? setInterval(() => write({}, true), settings.multipartHeartbeatMs) : undefined;
  res.once('close', () => {
    clearInterval(heartbeat);
    finished = true;
  });
  let last: StreamResult | undefined;
  let ended = false;
  try {
    for await (const item of stream) {
      if ('end' in item) {
        // The terminal item: its code, then the end.
        ended = true;
        write(framing.terminal(item.end));
        break;
      }
      last = item.result;
      write(framing.result(item.result));
    }
    const owed = ended ? undefined : framing.completion(last);
    if (owed !== undefined) write(owed);
  } finally {
    clearInterval(heartbeat);
    if (!finished) {
      finished = true;
      res.end(CLOSE);
    }
  }
}
