import type { CheckResponse, SchemaChange } from './registryResponses';

/** Schema changes, breaking ones first: `  Product.price  FIELD_REMOVED  Field "price" was removed`. */
export function formatChanges(changes: readonly SchemaChange[]): string[] {
  const lines: string[] = [];
  const breaking = changes.filter((c) => c.breaking);
  const safe = changes.filter((c) => !c.breaking);
  if (breaking.length > 0) lines.push(`Breaking changes (${breaking.length}):`, ...breaking.map(formatChange));
  if (safe.length > 0) lines.push(`Safe changes (${safe.length}):`, ...safe.map(formatChange));
  return lines;
}

function formatChange(change: SchemaChange): string {
  return `  ${change.coordinate}  ${change.kind}  ${change.description}`;
}

/**
 * `junction check`'s report: composition errors, changes (breaking, then safe), the client operations the
 * breaking changes would fail, and a one-line verdict (the exit code says the same).
 */
export function formatCheckReport(subject: string, check: CheckResponse, failed: boolean): string {
  const lines: string[] = [];
  if (check.compositionErrors.length > 0) {
    lines.push(`Composition errors (${check.compositionErrors.length}):`);
    for (const e of check.compositionErrors) lines.push(`  ${e.code}: ${e.message}${e.subgraphs.length > 0 ? ` [subgraphs: ${e.subgraphs.join(', ')}]` : ''}`);
  }
  lines.push(...(check.changes.length > 0 ? formatChanges(check.changes) : ['No schema changes.']));
  if (check.affectedOperations.length > 0) {
    lines.push(`Affected operations (${check.affectedOperations.length}):`);
    for (const op of check.affectedOperations) {
      const name = op.name && op.id ? `${op.name} (${op.id})` : (op.name ?? op.id ?? '(anonymous)');
      const client = op.clientName ? `, client ${op.clientName}` : '';
      lines.push(`  ${name}  from ${op.source}${client}${op.changes.length > 0 ? `  uses ${op.changes.join(', ')}` : ''}`);
      for (const error of op.errors) lines.push(`    error: ${error}`);
    }
  }
  lines.push('', verdict(subject, check, failed));
  return lines.join('\n');
}

function verdict(subject: string, check: CheckResponse, failed: boolean): string {
  const breaking = check.changes.filter((c) => c.breaking).length;
  const affected = check.affectedOperations.length;
  if (!failed) return `PASS: ${subject} composes with no breaking change (${check.changes.length} safe change(s)).`;
  const reasons: string[] = [];
  if (!check.composes) reasons.push(`does not compose (${check.compositionErrors.length} error(s))`);
  if (breaking > 0) reasons.push(`${breaking} breaking change(s), ${affected} affected operation(s)`);
  return `FAIL: ${subject} ${reasons.join('; ')}.`;
}

/** Left-aligned columns, two spaces apart; empty cells print as "-". */
export function formatTable(headers: readonly string[], rows: readonly (readonly (string | null | undefined)[])[]): string {
  const cells = [headers, ...rows.map((row) => row.map((cell) => (cell === null || cell === undefined || cell === '' ? '-' : cell)))];
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  return cells.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ')).join('\n');
}

/** A supergraph digest, short enough to read and compare. */
export function shortHash(sha256: string): string {
  return sha256.slice(0, 12);
}
