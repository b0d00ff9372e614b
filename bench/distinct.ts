import { readFileSync } from 'node:fs';
import { Pool } from 'undici';

/** Resident memory now (VmRSS), in MiB. */
export function residentMiB(pid: number): number {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match?.[1]) throw new Error(`No VmRSS in /proc/${pid}/status`);
  return Number(match[1]) / 1024;
}

export interface DistinctResult {
  readonly operations: number;
  /** VmRSS after each checkpoint (MiB), e.g. after 1,000, 5,000 and 10,000 distinct operations. */
  readonly rssMiBAt: ReadonlyArray<{ readonly after: number; readonly rssMiB: number }>;
  readonly failures: number;
}

/** The i-th distinct operation: different text (alias and argument), so each has its own parse and plan. */
export function distinctOperation(i: number): string {
  return `query Distinct${i} { topProducts(first: ${1 + (i % 5)}) { upc n${i}: name price } }`;
}

/**
 * Sends `operations` different operations (16 at a time) and samples the gateway's resident memory at
 * checkpoints: with bounded caches the curve flattens instead of growing with every new operation.
 */
export async function runDistinct(url: string, pid: number, operations: number, checkpoints: readonly number[]): Promise<DistinctResult> {
  const target = new URL(url);
  const pool = new Pool(target.origin, { connections: 16 });
  const rssMiBAt: Array<{ after: number; rssMiB: number }> = [];
  let next = 0;
  let done = 0;
  let failures = 0;
  const pending = [...checkpoints].sort((a, b) => a - b);
  const worker = async (): Promise<void> => {
    while (next < operations) {
      const i = next++;
      const res = await pool.request({
        path: target.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: distinctOperation(i), operationName: `Distinct${i}` }),
      });
      const text = await res.body.text();
      if (res.statusCode !== 200 || text.includes('"errors"')) failures++;
      done++;
      while (pending.length > 0 && done >= (pending[0] as number)) rssMiBAt.push({ after: pending.shift() as number, rssMiB: residentMiB(pid) });
    }
  };
  try {
    await Promise.all(Array.from({ length: 16 }, worker));
  } finally {
    await pool.close();
  }
  return { operations, rssMiBAt, failures };
}

export function formatDistinct(rows: ReadonlyArray<{ gateway: string; result: DistinctResult }>): string {
  const lines = [`distinct operations: ${rows[0]?.result.operations ?? 0} different operations, 16 at a time (resident memory, MiB)`];
  for (const { gateway, result } of rows) {
    const points = result.rssMiBAt.map((p) => `${p.after}: ${p.rssMiB.toFixed(1)}`).join('  ');
    lines.push(`  ${gateway.padEnd(9)} ${points}${result.failures ? `  (${result.failures} failed)` : ''}`);
  }
  return lines.join('\n');
}
