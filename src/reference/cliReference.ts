import { COMMAND_HELP } from '../cli/usage';
import { GENERATED_NOTICE } from './generatedNotice';

const INTRO = `# The \`junction\` command

\`package.json\` declares the \`junction\` bin (built into \`dist/\` by \`npm ci\` / \`npm run build\`), so \`npx junction …\`
runs it from the project root with no download. \`junction <command> --help\` prints the same help as below.

Exit codes: 0 success, 1 failure (composition, planning, an operation the gateway would refuse, start, a registry
check that fails, an error from the admin API), 2 bad usage (one line saying what was wrong, and a pointer to
\`junction <command> --help\`).
`;

/** docs/cli.md, from the help tables of src/cli/usage.ts: every command, its synopsis and every flag. */
export function cliReference(): string {
  const parts = [GENERATED_NOTICE('src/cli/usage.ts'), INTRO];
  for (const [name, help] of Object.entries(COMMAND_HELP)) {
    parts.push(`## junction ${name}`, '', '```', ...help.usage.map((u) => `junction ${u}`), '```', '', help.summary, '');
    if (help.flags.length > 0) {
      parts.push('| option | |', '|---|---|');
      for (const f of help.flags) parts.push(`| \`${(f.value ? `${f.flag} ${f.value}` : f.flag).replace(/\|/g, '\\|')}\` | ${f.help.replace(/\|/g, '\\|')} |`);
      parts.push('');
    }
  }
  return parts.join('\n');
}
