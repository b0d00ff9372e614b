import { meros } from 'meros/browser';

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
