import { readFile } from 'node:fs/promises';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './usage';

/** node:util parseArgs, with its errors turned into one-line usage errors (exit 2, no stack trace). */
export function parse<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T, allowPositionals: boolean) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (err) {
    throw new UsageError(parseErrorMessage(err));
  }
}

/** node's parseArgs messages quote the option oddly and suggest `--` escapes; say what was wrong instead. */
function parseErrorMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown }).code;
  const option = /'(-{1,2}[^' ]+)/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) return `unknown option ${option}`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) return message.includes('argument missing') ? `${option} needs a value` : `${option} takes no value`;
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return `unexpected argument ${/'([^']*)'/.exec(message)?.[1] ?? ''}`.trim();
  return message;
}

export function portOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new UsageError(`--port must be a number from 0 to 65535, got "${value}"`);
  return Number(value);
}

/** The options of the offline checks (`plan`, `manifest check`). */
export const CHECK_OPTIONS = {
  supergraph: { type: 'string' },
  config: { type: 'string' },
  format: { type: 'string', default: 'text' },
} as const;

/** An offline check's one input file and its supergraph; usage errors for anything missing or unknown. */
export function checkInputs(
  command: string,
  input: string,
  positionals: readonly string[],
  values: { supergraph?: string; format?: string },
): { file: string; supergraph: string; format: 'text' | 'json' } {
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new UsageError(`${command} needs exactly one <${input}>`);
  if (!values.supergraph) throw new UsageError(`${command} needs --supergraph <supergraph.yaml | supergraph.graphql>`);
  if (values.format !== 'text' && values.format !== 'json') throw new UsageError('--format is text or json');
  return { file, supergraph: values.supergraph, format: values.format };
}

/** A command's input file; undefined, reported, when it cannot be read. */
export async function readInput(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    console.error(`cannot read ${file}`);
    return undefined;
  }
}
