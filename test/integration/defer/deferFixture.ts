import { reader, type Operated } from '../../helpers/pipelineHarness';
import { meros } from 'meros/browser';

/** What Apollo Client 3 sends for an operation with `@defer`. */
export const DEFER_ACCEPT = 'multipart/mixed;deferSpec=20220824,application/json';

/** The content type Router answers a deferred operation with. */
export const MULTIPART_DEFER_TYPE = 'multipart/mixed; boundary="-"; deferSpec=20220824';

/** Reads a multipart response's JSON parts in the background (meros, as Apollo Client reads them), for waitFor. */
export async function readParts(res: Response): Promise<{ parts: unknown[]; finished: Promise<void> }> {
  const parts = await meros<unknown>(res);
  if (parts instanceof Response) throw new Error(`not multipart: ${res.status} ${await parts.text()}`);
  const seen: unknown[] = [];
  const finished = (async () => {
    for await (const part of parts) seen.push(part.json ? part.body : `not JSON: ${String(part.body)}`);
  })();
  return { parts: seen, finished };
}

/** Every item of a stream the pipeline answered (harness), results unwrapped: the parts a client would get. */
export async function partsOf(operated: Operated): Promise<unknown[]> {
  if (operated.kind !== 'stream') throw new Error(`expected parts, got ${JSON.stringify(operated)}`);
  const items: unknown[] = [];
  const r = reader(operated.stream);
  for (;;) {
    const item = await r.next();
    if (item === 'done') return items;
    items.push('result' in item ? item.result : item);
  }
}
