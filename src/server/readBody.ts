import type { IncomingMessage } from 'node:http';

export class BodyTooLarge extends Error {}
/** No byte of the body arrived for `idleTimeoutMs`. */
export class BodyIdle extends Error {}
/** The client closed the connection before the body was complete (nobody is left to answer). */
export class BodyAborted extends Error {}

/** The 408 answer's message. */
export const bodyIdleMessage = (idleTimeoutMs: number): string => `No byte of the request body arrived for ${idleTimeoutMs} ms (server.bodyIdleTimeoutMs).`;

export interface BodyLimits {
  maxBytes: number;
  idleTimeoutMs: number;
}

/**
 * Reads a request body up to `maxBytes`. Memory exhaustion: a client announcing or sending more is stopped
 * early, the gateway never buffers an unbounded body. Slow bodies: a client that stops sending (or trickles
 * a byte now and then, slower than one chunk per `idleTimeoutMs`) is cut after `idleTimeoutMs` instead of
 * holding its socket until the whole-request deadline. On every failure the rest of the body is left unread:
 * the caller answers with `connection: close`.
 */
export function readBody(req: IncomingMessage, limits: BodyLimits): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limits.maxBytes) return Promise.reject(new BodyTooLarge());
  if (req.destroyed) return Promise.reject(new BodyAborted());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (outcome: Error | string): void => {
      clearTimeout(idle);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      if (typeof outcome === 'string') return resolve(outcome);
      req.pause();
      reject(outcome);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limits.maxBytes) return settle(new BodyTooLarge());
      chunks.push(chunk);
      idle.refresh();
    };
    const onEnd = (): void => settle(Buffer.concat(chunks, size).toString('utf8'));
    const onError = (): void => settle(new BodyAborted());
    const onClose = (): void => settle(new BodyAborted());
    const idle = setTimeout(() => settle(new BodyIdle()), limits.idleTimeoutMs);
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}
