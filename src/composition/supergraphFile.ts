import { readFile } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import { composeSubgraphs, type CompositionIssue } from './compose';
import { loadSources } from './loadSources';
import { parseSupergraphYaml } from './supergraphYaml';

export type SupergraphResult =
  | { ok: true; supergraphSdl: string; hints: CompositionIssue[]; files: string[] }
  | { ok: false; problems: string[]; errors: CompositionIssue[]; files: string[] };

/**
 * Turns a path into a supergraph SDL: a `.graphql`/`.graphqls` file is read as a composed supergraph; anything
 * else is a rover `supergraph.yaml`, composed now. `files` lists what to watch for changes.
 */
export async function loadSupergraph(path: string, env: Readonly<Record<string, string | undefined>>): Promise<SupergraphResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return { ok: false, problems: [`cannot read ${path}`], errors: [], files: [path] };
  }
  if (isSupergraphSdlFile(path)) return { ok: true, supergraphSdl: text, hints: [], files: [path] };

  const parsed = parseSupergraphYaml(text, path, env);
  if (!parsed.ok) return { ok: false, problems: parsed.problems, errors: [], files: [path] };
  const loaded = await loadSources(parsed.value, dirname(path));
  if (!loaded.ok) return { ok: false, problems: loaded.problems, errors: [], files: [path] };
  const files = [path, ...loaded.files];
  const composed = composeSubgraphs(loaded.sources);
  if (!composed.ok) {
    return { ok: false, problems: composed.errors.map(formatIssue), errors: composed.errors, files };
  }
  return { ok: true, supergraphSdl: composed.supergraphSdl, hints: composed.hints, files };
}

export function isSupergraphSdlFile(path: string): boolean {
  return ['.graphql', '.graphqls', '.gql'].includes(extname(path).toLowerCase());
}

export function formatIssue(issue: CompositionIssue): string {
  const where = issue.subgraphs.length > 0 ? ` [subgraphs: ${issue.subgraphs.join(', ')}]` : '';
  return `${issue.code}: ${issue.message}${where}`;
}
