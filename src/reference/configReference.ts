import { configSchema, SUBGRAPH_DEFAULTS } from '../config';
import { schemaRows, type SchemaRow } from './schemaRows';
import { GENERATED_NOTICE } from './generatedNotice';

const INTRO = `# Configuration reference

\`gateway.yaml\` (optional; \`junction serve --config <file>\`, and \`npm start\` uses the one at the top of the
repository) is read and validated once at start: an unknown key or a bad value stops the start with **every**
problem listed, each with its line and what was expected. Precedence: command line (\`--port\`, \`--host\`,
\`--workers\`) > environment > \`gateway.yaml\` > the defaults below. A key whose default column is empty has no
default, or one that depends on the environment (the description says which).

**Environment.** \`PORT\`, \`HOST\`, \`LOG_LEVEL\`, \`REDIS_URL\` (switches the store to Redis), \`JUNCTION_ADMIN_TOKEN\`
(turns the admin API on), \`JUNCTION_IDENTITY_SECRET\`, the \`OTEL_*\` tracing variables
([observability](observability.md#traces)), \`NODE_ENV\` (\`production\` turns plan exposure, introspection and the
landing page off by default, redacts subgraph errors, and moves metrics without a token to \`127.0.0.1:9090\`),
\`APOLLO_TELEMETRY_DISABLED\` (Junction sets it to \`true\` in every process it starts), and any \`\${env.NAME}\` used in
\`supergraph.yaml\`.

**Limits** (\`limits.maxDepth\` and the others) take a number, or \`{ max: N, mode: enforce | measure }\` to override
\`limits.mode\` for that limit. **Subgraph settings** are written under \`subgraphs.all\` (every subgraph) and
\`subgraphs.<name>\` (one subgraph; nested keys merge over \`all\` key by key); the defaults shown apply to both.
`;

const escapeCell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
/** `docs/caching.md` in a description, as a link from this page (which lives in docs/). */
const linkDocs = (text: string) => text.replace(/docs\/([a-z-]+\.md)/g, '[$1]($1)');

function table(rows: readonly SchemaRow[]): string {
  const lines = ['| key | type | default | description |', '|---|---|---|---|'];
  for (const row of rows) {
    const type = row.section && row.type === 'section' ? 'section' : row.type;
    lines.push(`| \`${row.path}\` | ${type} | ${row.defaultValue ?? ''} | ${linkDocs(escapeCell(row.description ?? ''))} |`);
  }
  return lines.join('\n');
}

/** docs/configuration.md, from the config schema: every key of gateway.yaml, its type, default and description. */
export function configurationReference(): string {
  const rows = schemaRows(configSchema, { 'subgraphs.<name>': SUBGRAPH_DEFAULTS });
  const parts = [GENERATED_NOTICE('src/config/schema.ts'), INTRO];
  const sections = rows.filter((r) => !r.path.includes('.'));
  parts.push('| section | |', '|---|---|', ...sections.map((s) => `| [\`${s.path}\`](#${s.path.toLowerCase()}) | ${linkDocs(escapeCell(s.description ?? ''))} |`), '');
  for (const section of sections) {
    parts.push(`## ${section.path}`, '');
    if (section.description) parts.push(linkDocs(section.description), '');
    const own = rows.filter((r) => r.path.startsWith(`${section.path}.`));
    parts.push(own.length > 0 ? table(own) : table([section]), '');
  }
  return parts.join('\n');
}
