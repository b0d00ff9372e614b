import { createHash } from 'node:crypto';
import type { HTTPGraphQLResponse } from '@apollo/server';

/**
 * A cacheable answer as bytes: the serialized body a client receives (exactly what was stored) and its strong
 * ETag, the body's hash computed once when the answer was made. A hit sends these bytes as they are: no parse,
 * no stringify, no execution.
 */
export interface StoredAnswer {
  readonly body: string;
  readonly etag: string;
}

/**
 * Where the response cache leaves the answer for the one who writes it (the pipeline, one slot per
 * operation): Apollo Server's response to a cached operation is only a placeholder, whose body the pipeline
 * replaces with `answer.body` (empty for a 304).
 */
export interface StoredAnswerSlot {
  /** The transport can answer 304 (plain HTTP; not a stream, whose frames carry results). */
  readonly conditional: boolean;
  answer?: StoredAnswer | undefined;
  /** The caller's If-None-Match named this answer's ETag: 304, no body. */
  notModified?: boolean | undefined;
}

/** The body of a data-only answer, byte for byte as Apollo Server writes one (JSON and a newline). */
export function storedAnswerOf(data: unknown): StoredAnswer {
  const body = `${JSON.stringify({ data })}\n`;
  return { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"` };
}

/**
 * Whether an If-None-Match header names this ETag (RFC 9110 13.1.2: a list, `*`, weak comparison; an ETag
 * the gateway made is strong, so `W/"x"` matches `"x"`).
 */
export function ifNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  for (const part of header.split(',')) {
    const tag = part.trim();
    if (tag === '*' || tag === etag || (tag.startsWith('W/') && tag.slice(2) === etag)) return true;
  }
  return false;
}

/** What the writer sends for an engine response: the stored bytes when the slot holds an answer (none for a 304). */
export function withStoredAnswer(response: HTTPGraphQLResponse, slot: StoredAnswerSlot): HTTPGraphQLResponse {
  if (!slot.answer) return response;
  if (slot.notModified) response.headers.delete('content-type');
  return { ...response, body: { kind: 'complete', string: slot.notModified ? '' : slot.answer.body } };
}
