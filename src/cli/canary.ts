import type { z } from 'zod';
import { parse } from './args';
import { ADMIN_OPTIONS, AUTHOR_OPTION, authorOf, connect } from './registryArgs';
import { shortHash } from './registryReport';
import { canaryStatusResponse, expectShape } from './registryResponses';
import { UsageError } from './usage';

const ACTIONS = ['status', 'promote', 'abort'] as const;

export const CANARY_OPTIONS = { ...ADMIN_OPTIONS, ...AUTHOR_OPTION, format: { type: 'string' } } as const;

/**
 * `junction canary status | promote | abort [--author <who>]`: the canary release under way, with the judge's
 * latest figures; promote it now (it becomes the next version for every client), or abort it (every client is
 * served the stable version again). `status` exits 0 whether or not a release runs.
 */
export async function canaryCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, CANARY_OPTIONS, true);
  const [action] = positionals;
  if (positionals.length !== 1 || !ACTIONS.includes(action as (typeof ACTIONS)[number])) throw new UsageError('canary needs one of: status, promote, abort');
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, got "${format}"`);
  const client = connect('canary', values);
  const path = action === 'status' ? '/admin/canary' : `/admin/canary/${action}`;
  const json = action === 'status' ? await client.request('GET', path) : await client.request('POST', path, { author: authorOf(values) });
  const answer = expectShape(canaryStatusResponse, json, `${action === 'status' ? 'GET' : 'POST'} ${path}`);
  if (format === 'json') {
    console.log(JSON.stringify(answer, null, 2));
    return 0;
  }
  console.log(describe(answer).join('\n'));
  return 0;
}

function describe(answer: z.infer<typeof canaryStatusResponse>): string[] {
  const lines: string[] = [];
  const canary = answer.canary;
  if (!canary) {
    lines.push(`No canary release is under way; version ${answer.current} serves every client.`);
  } else {
    const ramp = canary.stages.map((p, i) => (i === canary.stage ? `[${p} %]` : `${p} %`)).join(' → ');
    lines.push(`Canary ${canary.id.slice(0, 8)}: ${canary.subgraph} as version ${canary.candidate} (${shortHash(canary.candidateSupergraph)}) serves ${canary.percent} % of clients; version ${answer.current} the rest.`);
    lines.push(`  ramp: ${ramp} → promote    started ${canary.startedAt} by ${canary.by}, this stage since ${canary.stageStartedAt}`);
    const verdict = answer.verdict;
    if (verdict) {
      const { stable, canary: candidate, changedSubgraph } = verdict.comparison;
      lines.push(`  judge (${verdict.at}): ${verdict.decision} — ${verdict.reason}`);
      lines.push(`  operations both serve: ${verdict.comparison.operations}`);
      lines.push(`    stable  ${side(stable)}`);
      lines.push(`    canary  ${side(candidate)}`);
      lines.push(`  fetches from ${canary.subgraph}:`);
      lines.push(`    stable  ${side(changedSubgraph.stable, 'fetches')}`);
      lines.push(`    canary  ${side(changedSubgraph.canary, 'fetches')}`);
    }
  }
  const ended = answer.lastEnded;
  if (ended) {
    const last = ended.decisions.at(-1);
    lines.push(`Last release: ${ended.id.slice(0, 8)} (${ended.subgraph}) ${ended.outcome.replace('_', ' ')} at ${ended.endedAt}${last ? ` by ${last.by}: ${last.reason}` : ''}`);
  }
  return lines;
}

function side(s: { requests: number; failed: number; errorRate: number; p95Ms: number }, what = 'requests'): string {
  return `${String(s.requests).padStart(7)} ${what.padEnd(8)}  ${String(s.failed).padStart(5)} failed (${(s.errorRate * 100).toFixed(2)} %)  p95 ${s.p95Ms.toFixed(1)} ms`;
}
