import { randomBytes } from 'node:crypto';

// Per process and unguessable, so no subgraph value or client input can forge a placeholder.
const SECRET = randomBytes(16).toString('hex');
let sequence = 0;

/**
 * Already-serialized JSON standing in the executor's result: Apollo Server stringifies the result as usual,
 * this object serializes to a unique placeholder string, and the HTTP layer splices the real JSON text in
 * its place (`spliceRawJson`). The response bytes are what JSON.stringify of the object tree would give.
 */
export class RawJson {
  readonly placeholder = `junction:raw:${SECRET}:${sequence++}`;

  constructor(readonly json: string) {}

  toJSON(): string {
    return this.placeholder;
  }
}

/**
 * Where the executor leaves RawJson values for the HTTP layer: an object held by the request context under
 * `junctionRawJson` (Apollo Server shallow-copies the context per operation, so the holder is shared).
 */
export interface RawJsonCarrier {
  rawJson: RawJson[];
}

export function rawJsonContext(): { junctionRawJson: RawJsonCarrier } {
  return { junctionRawJson: { rawJson: [] } };
}

export function attachRawJson(context: unknown, raw: RawJson): boolean {
  const carrier = (context as { junctionRawJson?: RawJsonCarrier } | null)?.junctionRawJson;
  if (!carrier) return false;
  carrier.rawJson.push(raw);
  return true;
}

/** Replaces each placeholder in a serialized response by its JSON text. */
export function spliceRawJson(body: string, carrier: RawJsonCarrier): string {
  for (const raw of carrier.rawJson) {
    const needle = `"${raw.placeholder}"`;
    const at = body.indexOf(needle);
    if (at >= 0) body = body.slice(0, at) + raw.json + body.slice(at + needle.length);
  }
  return body;
}
