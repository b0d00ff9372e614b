import type { ServerResponse } from 'node:http';

/**
 * Sets a header of the engine's answer on the HTTP response. `Vary` is merged with what is there already (CORS
 * sets `Vary: Origin` before the answer exists; the response cache adds the headers its key varies on): losing
 * either would let a shared cache serve one origin's or one language's answer to another.
 */
export function setAnswerHeader(res: ServerResponse, name: string, value: string): void {
  if (name !== 'vary') return void res.setHeader(name, value);
  const existing = res.getHeader('vary');
  const tokens = new Map<string, string>();
  for (const list of [existing === undefined ? '' : String(existing), value]) {
    for (const raw of list.split(',')) {
      const token = raw.trim();
      if (token && !tokens.has(token.toLowerCase())) tokens.set(token.toLowerCase(), token);
    }
  }
  res.setHeader('vary', [...tokens.values()].join(', '));
}
