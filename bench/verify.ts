// What the bench counts as a correct answer, and how it explains one that is not.
import { postGraphQL, type LoadResult } from './load';
import type { ManagedChild } from './processes';

/** A response that passed the correctness check: its raw text and JSON.stringify(data). */
export interface CheckedReply {
  readonly text: string;
  readonly data: string;
  readonly etag: string | undefined;
}

/** One request: HTTP 200, JSON, no `errors`, non-null `data`. Throws a readable error otherwise. */
export async function checkedRequest(label: string, url: string, body: string): Promise<CheckedReply> {
  const reply = await postGraphQL(url, body);
  if (reply.status !== 200) throw new Error(`${label} answered HTTP ${reply.status}: ${reply.text.slice(0, 1_000)}`);
  const json = reply.json as { data?: unknown; errors?: unknown } | undefined;
  if (typeof json !== 'object' || json === null) throw new Error(`${label} answered something that is not a JSON object: ${reply.text.slice(0, 1_000)}`);
  if (json.errors !== undefined) throw new Error(`${label} answered with errors: ${JSON.stringify(json.errors).slice(0, 1_000)}`);
  if (json.data === undefined || json.data === null) throw new Error(`${label} answered without data: ${reply.text.slice(0, 1_000)}`);
  return { text: reply.text, data: JSON.stringify(json.data), etag: reply.etag };
}

/** Where two strings first differ, with context, so a data mismatch can be diagnosed from the message. */
export function describeDifference(expected: string, actual: string, names: readonly [string, string] = ['expected', 'got']): string {
  let i = 0;
  while (i < expected.length && i < actual.length && expected[i] === actual[i]) i++;
  const from = Math.max(0, i - 80);
  const width = Math.max(names[0].length, names[1].length) + 1;
  return [
    `lengths: ${names[0]} ${expected.length}, ${names[1]} ${actual.length}; first difference at character ${i}`,
    `  ${`${names[0]}:`.padEnd(width)} …${expected.slice(from, i + 80)}…`,
    `  ${`${names[1]}:`.padEnd(width)} …${actual.slice(from, i + 80)}…`,
  ].join('\n');
}

/**
 * Every response of a run is checked. Most are byte-identical to the checked reply, so a string
 * compare settles them; anything else (e.g. a gateway adding varying extensions) is parsed and must
 * still have no `errors` and exactly the reference `data`.
 */
export function bodyVerifier(reference: CheckedReply, expectedData: string): (body: string) => boolean {
  return (body) => {
    if (body === reference.text) return true;
    try {
      const json = JSON.parse(body) as { data?: unknown; errors?: unknown };
      return json.errors === undefined && JSON.stringify(json.data) === expectedData;
    } catch {
      return false;
    }
  };
}

/** Why a body failed verification, in a line or three rather than 30 KiB of JSON. */
function explainBadBody(body: string, expectedData: string): string {
  let json: { data?: unknown; errors?: unknown };
  try {
    json = JSON.parse(body) as typeof json;
  } catch {
    return `not JSON: ${body.slice(0, 300)}`;
  }
  if (json.errors !== undefined) return `errors ${JSON.stringify(json.errors).slice(0, 500)}`;
  return `different data\n${describeDifference(expectedData, JSON.stringify(json.data) ?? 'undefined')}`;
}

/** Throws unless every response of the measured run was a verified HTTP 200; `expectedData` by request, in turn. */
export function assertCleanRun(label: string, load: LoadResult, expectedData: readonly string[], child: ManagedChild, notModifiedOk = false): void {
  const m = load.measured;
  const other = Object.entries(m.statusCodes).filter(([code]) => code !== '200' && !(notModifiedOk && code === '304'));
  const problems: string[] = [];
  if (m.completed === 0) problems.push('no request completed');
  if (m.non2xx > 0 || other.length > 0) problems.push(`non-200 responses: ${other.map(([c, n]) => `${n}× ${c}`).join(', ') || m.non2xx}`);
  if (m.errors > 0) problems.push(`${m.errors} connection errors (${m.timeouts} timeouts)`);
  if (m.mismatches > 0) {
    const bad = load.firstMismatch;
    const first = bad === undefined ? '(not captured)' : `${expectedData.length > 1 ? `(operation ${bad.request + 1}) ` : ''}${explainBadBody(bad.body, expectedData[bad.request] ?? '')}`;
    problems.push(`${m.mismatches} responses with errors or unexpected data; the first: ${first}`);
  }
  if (problems.length === 0) return;
  const out = child.output();
  throw new Error(`${label}: the measured run is not trustworthy: ${problems.join('; ')}${out ? `\n${label} output:\n${out}` : ''}`);
}

