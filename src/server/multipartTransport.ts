import type { ServerResponse } from 'node:http';
import type { OperationStream, Refusal } from '../pipeline';
import type { StreamConnections } from './streamConnections';
import { endSlowConsumer, openStreamResponse, overBuffered, SLOW_CONSUMER_ERROR, type StreamingSettings } from './streamingResponse';

/**
 * Multipart HTTP subscriptions as Apollo Client speaks them to Apollo Router (`subscriptionSpec="1.0"`): one
 * `multipart/mixed` response, a JSON part per event (`{"payload": result}`), an empty `{}` part as heartbeat so
 * proxies and clients see the connection alive, a terminal error as `{"payload": null, "errors": [...]}`, then
 * the closing delimiter.
 */
export const MULTIPART_SUBSCRIPTION_TYPE = 'multipart/mixed;boundary="graphql";subscriptionSpec="1.0"';

// Each part is written together with the delimiter that ends it, so a reader can hand the part over at once
// instead of waiting for the next event (or heartbeat) to learn that the part is complete.
const DELIMITER = '\r\n--graphql';
const PART_HEADERS = '\r\ncontent-type: application/json\r\n\r\n';
const CLOSE = '--\r\n';

const part = (body: unknown): string => `${PART_HEADERS}${JSON.stringify(body)}${DELIMITER}`;

/**
 * Answers a subscription's stream as a multipart response, in a slot among the long-lived connections (refused
 * with 503 before anything streams when there is none); resolves when the response has ended. The client leaving
 * (the response closes) closes the stream, which frees the upstream subscription.
 */
export async function serveMultipart(res: ServerResponse, stream: OperationStream, options: { connections: StreamConnections; settings: StreamingSettings; refuse: (refusal: Refusal) => void }): Promise<void> {
  const opened = openStreamResponse(options.connections, res, stream);
  if ('refused' in opened) return options.refuse(opened.refused);
  const settings = options.settings;
  let finished = false;
  const leave = (reason?: 'slow_consumer'): void => {
    finished = true;
    opened.leave(reason);
  };
  const write = (body: unknown): void => {
    if (finished || !res.writable) return;
    if (overBuffered(res, settings)) {
      leave('slow_consumer');
      return endSlowConsumer(res, part({ payload: null, errors: [SLOW_CONSUMER_ERROR] }) + CLOSE);
    }
    res.write(part(body));
  };
  res.statusCode = 200;
  res.setHeader('content-type', MULTIPART_SUBSCRIPTION_TYPE);
  res.setHeader('cache-control', 'no-cache');
  res.removeHeader('content-length');
  res.write(DELIMITER);
  const heartbeat = setInterval(() => write({}), settings.multipartHeartbeatMs);
  res.once('close', () => {
    clearInterval(heartbeat);
    finished = true;
  });
  try {
    for await (const item of stream) {
      if ('end' in item) {
        // The terminal item (shutdown, token expiry, schema reload, upstream gone): its code, then the end.
        write({ payload: null, errors: [item.end] });
        break;
      }
      write({ payload: item.result });
    }
  } finally {
    clearInterval(heartbeat);
    if (!finished) {
      finished = true;
      res.end(CLOSE);
    }
  }
}
