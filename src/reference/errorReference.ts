import { ERROR_CODES } from '../errors';
import { GENERATED_NOTICE } from './generatedNotice';

const INTRO = `# Error codes

Every error a client (or a \`junction\` command) sees carries \`extensions.code\`, one of the codes below, and the
HTTP status shown; see [security: errors and redaction](security.md#errors-and-redaction) for how errors are shaped and what subgraph
errors keep in production. A status of 200 means the code appears next to (partial) data, or ends a
subscription or a streamed answer, rather than failing the request.
`;

/** docs/errors.md, from src/errors/codes.ts: every code, its HTTP status and when it is answered. */
export function errorReference(): string {
  const lines = [GENERATED_NOTICE('src/errors/codes.ts'), INTRO, '| code | HTTP | when |', '|---|---|---|'];
  for (const [code, entry] of Object.entries(ERROR_CODES)) {
    // `answered`: the status with what comes with it (headers, a WebSocket close code), where there is more to say.
    const http = 'answered' in entry ? entry.answered : String(entry.status);
    lines.push(`| \`${code}\` | ${http} | ${entry.description.replace(/\|/g, '\\|')} |`);
  }
  return `${lines.join('\n')}\n`;
}
