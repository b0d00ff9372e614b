import { Kind, parse as parseGraphQL } from 'graphql';
import { parseManifest, type ManifestOperation } from '../operations';
import type { Problem } from '../security';
import { CHECK_OPTIONS, checkInputs, parse, readInput } from './args';
import { loadOperationChecker } from './checkOperation';
import { UsageError } from './usage';

interface OperationReport {
  id: string;
  name: string | null;
  ok: boolean;
  problems: Problem[];
  warnings: Problem[];
}

/** `junction manifest <sub-command>`: only `check` so far. */
export async function manifestCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'check') return checkManifest(rest);
  throw new UsageError(sub === undefined ? 'manifest needs a sub-command: check' : `unknown manifest sub-command "${sub}"`);
}

/**
 * `junction manifest check <manifest.json> --supergraph <file> [--config gateway.yaml] [--format text|json]`:
 * every operation of a persisted-query manifest checked as the gateway would check it, so a schema change
 * that breaks a shipped client fails CI; exit 1 when any operation would be refused.
 */
async function checkManifest(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, CHECK_OPTIONS, true);
  const { file, supergraph, format } = checkInputs('manifest check', 'manifest.json', positionals, values);
  const text = await readInput(file);
  if (text === undefined) return 1;
  const manifest = parseManifest(text, file);
  if (!manifest.ok) {
    for (const problem of manifest.problems) console.error(problem);
    return 1;
  }
  const checker = await loadOperationChecker(supergraph, values.config);
  if (!checker) return 1;
  // Variables are unknown offline: slicing arguments given by variables fall back to their defaults.
  const reports = manifest.operations.map((entry): OperationReport => {
    const { problems, warnings } = checker.check(entry.body, operationNameOf(entry));
    return { id: entry.id, name: entry.name ?? null, ok: problems.length === 0, problems, warnings };
  });
  const failed = reports.filter((r) => !r.ok).length;
  if (format === 'json') {
    console.log(JSON.stringify({ operations: reports, ok: reports.length - failed, failed }, null, 2));
  } else {
    console.log(formatReports(reports, failed));
  }
  return failed > 0 ? 1 : 0;
}

/** The entry's name picks the operation only where its body holds several, as a client's request would. */
function operationNameOf(entry: ManifestOperation): string | undefined {
  if (entry.name === undefined) return undefined;
  try {
    const operations = parseGraphQL(entry.body, { noLocation: true }).definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
    return operations.length > 1 ? entry.name : undefined;
  } catch {
    return undefined; // the checker reports the syntax error
  }
}

function formatReports(reports: readonly OperationReport[], failed: number): string {
  const lines: string[] = [];
  for (const r of reports) {
    lines.push(r.ok ? `ok  ${r.name ?? r.id}` : `FAIL ${r.name === null ? r.id : `${r.name} (${r.id})`}`);
    for (const p of r.problems) lines.push(`     ${p.code}: ${p.message}`);
    for (const p of r.warnings) lines.push(`     warning ${p.code}: ${p.message} (measure mode: logged, not refused)`);
  }
  lines.push('', `${reports.length} operations: ${reports.length - failed} ok, ${failed} failed`);
  return lines.join('\n');
}
