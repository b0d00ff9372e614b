import { reader, type Operated } from '../../helpers/pipelineHarness';

/** What Apollo Client 3 sends for an operation with `@defer`. */
export const DEFER_ACCEPT = 'multipart/mixed;deferSpec=20220824,application/json';

/** The content type Router answers a deferred operation with. */
export const MULTIPART_DEFER_TYPE = 'multipart/mixed; boundary="-"; deferSpec=20220824';

export { readParts } from '../../helpers/multipart';

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
