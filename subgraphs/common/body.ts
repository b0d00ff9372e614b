import type { IncomingMessage } from 'node:http';

/** Raised when a request body exceeds the limit; carries the status to answer with. */
export class BodyTooLargeError extends Error {
  readonly status = 413;
  constructor(readonly limit: number) {
    super(`Request body exceeds ${limit} bytes`);
  }
}

/**
 * Buffers a request body, refusing more than `limit` bytes so one client cannot make the
 * process hold an arbitrarily large payload in memory. A too-large declared Content-Length
 * is refused before reading anything.
 *
 * Listeners rather than `for await`: leaving an async iterator early destroys the socket,
 * and then the 413 could never be sent. Past the limit, chunks are simply dropped until
 * Node closes the connection after the response.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new BodyTooLargeError(limit));

  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (finish: () => void): void => {
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      finish();
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) settle(() => reject(new BodyTooLargeError(limit)));
      else chunks.push(chunk);
    };
    const onEnd = (): void => settle(() => resolve(Buffer.concat(chunks).toString('utf8')));
    const onError = (error: Error): void => settle(() => reject(error));
    // A client that disconnects mid-body emits 'close' without 'end'; do not wait forever.
    const onClose = (): void => settle(() => reject(new Error('Request closed before its body was complete')));
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}
