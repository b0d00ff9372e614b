// The help of every command: `junction --help`, `junction <command> --help`, and docs/cli.md are built from
// these tables, and a test checks that each command's parser accepts exactly the flags its help lists.

/** One flag of a command, as its help lists it. */
export interface FlagHelp {
  readonly flag: string;
  /** The value it takes (`<file>`); absent for a switch. */
  readonly value?: string;
  readonly help: string;
}

export interface CommandHelp {
  /** The synopsis lines (without `junction `). */
  readonly usage: readonly string[];
  readonly summary: string;
  readonly flags: readonly FlagHelp[];
  readonly notes?: readonly string[];
}

const ADMIN_FLAGS: readonly FlagHelp[] = [
  { flag: '--gateway', value: '<url>', help: 'The gateway (env JUNCTION_GATEWAY_URL; default http://localhost:4000).' },
  { flag: '--token', value: '<token>', help: 'The admin token (env JUNCTION_ADMIN_TOKEN, which keeps it out of `ps` and shell history).' },
];
const AUTHOR_FLAG: FlagHelp = { flag: '--author', value: '<who>', help: 'Recorded with the version (default GITHUB_ACTOR, GITLAB_USER_LOGIN or USER, else the token subject).' };
const CONFIG_FLAG: FlagHelp = { flag: '--config', value: '<gateway.yaml>', help: 'The gateway settings the check applies (limits, cost, planner); see docs/configuration.md.' };
const SUPERGRAPH_FLAG: FlagHelp = { flag: '--supergraph', value: '<file>', help: 'A rover supergraph.yaml (composed on the spot) or a composed supergraph (required).' };
const FORMAT_FLAG: FlagHelp = { flag: '--format', value: 'text|json', help: 'Output format (default text).' };
const SCHEMA_FLAGS: readonly FlagHelp[] = [
  { flag: '--schema', value: '<file.graphql>', help: 'The subgraph schema, from a file.' },
  { flag: '--introspect', value: '<subgraph url>', help: 'The subgraph schema, read from the running subgraph (`_service { sdl }`).' },
];

export const COMMAND_HELP: Readonly<Record<string, CommandHelp>> = {
  serve: {
    usage: ['serve --supergraph <supergraph.yaml | supergraph.graphql> [--config gateway.yaml] [--port <p>] [--host <h>] [--workers <n|auto>]'],
    summary: 'Runs the gateway. A .graphql/.graphqls/.gql file is a composed supergraph; anything else is a rover supergraph.yaml, composed at start. Either is watched and hot-swapped on change (a failure keeps the last good supergraph). SIGTERM/SIGINT drain and exit 0.',
    flags: [
      { flag: '--supergraph', value: '<file>', help: 'The supergraph (required unless registry.enabled in --config; then it only seeds an empty registry).' },
      { flag: '--config', value: '<gateway.yaml>', help: 'Junction settings (docs/configuration.md); validated at start, every problem listed.' },
      { flag: '--port', value: '<p>', help: 'Port (env PORT; default 4000; 0 picks a free one).' },
      { flag: '--host', value: '<h>', help: 'Address (env HOST; default 0.0.0.0).' },
      { flag: '--workers', value: '<n|auto>', help: 'Gateway processes sharing the port (1–256, or auto = one per core; server.workers).' },
    ],
  },
  compose: {
    usage: ['compose <supergraph.yaml> [-o <supergraph.graphql>]'],
    summary: 'Composes like `rover supergraph compose`: the supergraph SDL on stdout (or to -o), hints on stderr. Composition errors print with their code and subgraphs, exit 1.',
    flags: [{ flag: '-o, --output', value: '<file>', help: 'Write the supergraph to this file instead of stdout.' }],
  },
  plan: {
    usage: ['plan <operation.graphql> --supergraph <file> [--config gateway.yaml] [--operation-name <name>] [--variables <json>] [--planner apollo|rust] [--format text|json]'],
    summary: 'Prints the query plan offline, every request limit\'s status and the estimated cost; exit 1 on validation errors or when the gateway would refuse the operation.',
    flags: [
      SUPERGRAPH_FLAG,
      CONFIG_FLAG,
      { flag: '--operation-name', value: '<name>', help: 'The operation to plan when the document holds several.' },
      { flag: '--variables', value: '<json>', help: 'Variable values, a JSON object (slicing arguments in the cost estimate).' },
      { flag: '--planner', value: 'apollo|rust', help: 'The planner (default: queryPlan.planner, else rust).' },
      { flag: '--format', value: 'text|json', help: 'text (default), or json: the Router dialect { object, text } plus limits and cost.' },
    ],
  },
  'manifest check': {
    usage: ['manifest check <manifest.json> --supergraph <file> [--config gateway.yaml] [--format text|json]'],
    summary: 'Checks every operation of a persisted-query manifest as the gateway would (limits, validation, subscriptions, cost, planning); exit 1 if any would be refused.',
    flags: [SUPERGRAPH_FLAG, CONFIG_FLAG, FORMAT_FLAG],
  },
  subgraphs: {
    usage: ['subgraphs [accounts|inventory|products|reviews ...]'],
    summary: 'Runs the sample subgraphs (all four when none is named) on 4001–4004. PORT overrides the port when one is named; REDIS_URL shares subscription events between replicas; INVENTORY_SHIPPING_DELAY_MS slows shippingEstimate.',
    flags: [],
  },
  demo: {
    usage: ['demo [--config gateway.yaml] [--supergraph <file>]'],
    summary: 'What `npm start` runs: the four sample subgraphs in a child process plus the gateway on :4000. With JUNCTION_ADMIN_TOKEN set, the subgraph registry is on.',
    flags: [
      { flag: '--config', value: '<gateway.yaml>', help: 'Junction settings (default: gateway.yaml at the package root).' },
      { flag: '--supergraph', value: '<file>', help: 'The supergraph to serve (default: supergraph.yaml at the package root).' },
    ],
  },
  token: {
    usage: ['token --sub <id> [--scopes "<a b>"] [--expires <seconds>] [--issuer <iss>] [--audience <aud>] [--dir <dir>]'],
    summary: 'Prints a development token signed with the development key (.junction/dev-key.json, created on first use); the gateway accepts it outside production.',
    flags: [
      { flag: '--sub', value: '<id>', help: 'The subject (required).' },
      { flag: '--scopes', value: '"<a b>"', help: 'Space-separated scopes.' },
      { flag: '--expires', value: '<seconds>', help: 'Lifetime (default 3600).' },
      { flag: '--issuer', value: '<iss>', help: 'The `iss` claim.' },
      { flag: '--audience', value: '<aud>', help: 'The `aud` claim.' },
      { flag: '--dir', value: '<dir>', help: 'Where the development key lives (default .junction at the package root).' },
    ],
  },
  publish: {
    usage: ['publish <name> --url <routing url> (--schema <file.graphql> | --introspect <subgraph url>) [--canary <percent>] [--author <who>]'],
    summary: 'Publishes a subgraph version to a running gateway\'s registry: composed with the others, then served at once; refused with the composition errors. With --canary, the new supergraph is served to that share of clients first, judged against the stable one and promoted or rolled back by the gateway (docs/canary.md).',
    flags: [
      { flag: '--url', value: '<routing url>', help: 'Where the gateway sends this subgraph its requests (required).' },
      ...SCHEMA_FLAGS,
      { flag: '--canary', value: '<percent>', help: 'Serve the new supergraph to this share of clients first (above 0, at most 100; 100 is a plain publish); see `junction canary`.' },
      AUTHOR_FLAG,
      ...ADMIN_FLAGS,
    ],
  },
  check: {
    usage: ['check <name> (--schema <file.graphql> | --introspect <subgraph url> | --delete) [--url <routing url>] [--format text|json]'],
    summary: 'Dry run of a publish or delete on a running gateway: composition, safe and breaking changes, affected operations; exit 1 if it does not compose or breaks the schema.',
    flags: [...SCHEMA_FLAGS, { flag: '--delete', help: 'Check deleting the subgraph instead.' }, { flag: '--url', value: '<routing url>', help: 'The routing URL to check with (default: the active one).' }, FORMAT_FLAG, ...ADMIN_FLAGS],
  },
  'subgraphs list': {
    usage: ['subgraphs list'],
    summary: 'The subgraphs the gateway\'s registry composes: name, URL, who published them and when.',
    flags: ADMIN_FLAGS,
  },
  'subgraphs delete': {
    usage: ['subgraphs delete <name> [--author <who>]'],
    summary: 'Removes a subgraph from the registry; refused when the rest does not compose.',
    flags: [AUTHOR_FLAG, ...ADMIN_FLAGS],
  },
  history: {
    usage: ['history'],
    summary: 'The supergraph versions, newest first; * marks the one the gateway serves.',
    flags: ADMIN_FLAGS,
  },
  rollback: {
    usage: ['rollback <version> [--author <who>]'],
    summary: 'Serves an earlier supergraph version again, recorded as a new version (history is append-only).',
    flags: [AUTHOR_FLAG, ...ADMIN_FLAGS],
  },
  canary: {
    usage: ['canary status|promote|abort [--author <who>] [--format text|json]'],
    summary: 'The canary release under way (`publish --canary`) with the judge\'s latest figures; promote it now (every client gets it), or abort it (every client gets the stable version again). `status` exits 0 whether or not a release runs. See docs/canary.md.',
    flags: [AUTHOR_FLAG, FORMAT_FLAG, ...ADMIN_FLAGS],
  },
};

/** Commands whose help is looked up with their first argument (`subgraphs list`, `manifest check`). */
const SUB_COMMANDS: Readonly<Record<string, readonly string[]>> = { subgraphs: ['list', 'delete'], manifest: ['check'] };

/** The help entry `argv` asks for (`subgraphs list` before `subgraphs`), if any. */
export function helpKey(command: string, rest: readonly string[]): string | undefined {
  const sub = rest[0];
  const subs = SUB_COMMANDS[command];
  if (sub !== undefined && subs?.includes(sub)) return `${command} ${sub}`;
  if (COMMAND_HELP[command]) return command;
  // `junction manifest --help`, `junction manifest lint`: the help of its (first) sub-command.
  return subs?.[0] === undefined ? undefined : `${command} ${subs[0]}`;
}

const pad = (text: string, width: number) => (text.length >= width - 1 ? `${text}  ` : text.padEnd(width));

/** `junction <command> --help`. */
export function commandHelp(key: string): string {
  const help = COMMAND_HELP[key];
  if (!help) return USAGE;
  const lines = ['Usage:', ...help.usage.map((u) => `  junction ${u}`), '', help.summary];
  if (help.flags.length > 0) {
    const names = help.flags.map((f) => (f.value ? `${f.flag} ${f.value}` : f.flag));
    const width = Math.min(Math.max(...names.map((n) => n.length)) + 2, 40);
    lines.push('', 'Options:', ...help.flags.map((f, i) => `  ${pad(names[i] ?? '', width)}${f.help}`));
  }
  if (help.notes) lines.push('', ...help.notes);
  lines.push('', EXIT_CODES);
  return lines.join('\n');
}

const EXIT_CODES = 'Exit codes: 0 success, 1 failure, 2 bad usage.';

export const USAGE = [
  'junction — GraphQL federation gateway',
  '',
  'Usage:',
  ...Object.values(COMMAND_HELP).flatMap((help) => help.usage.map((u) => `  junction ${u}`)),
  '',
  'Run `junction <command> --help` for what a command does and every option it takes (docs/cli.md has them all).',
  'Registry commands take --gateway <url> (env JUNCTION_GATEWAY_URL, default http://localhost:4000) and --token (env JUNCTION_ADMIN_TOKEN).',
  '',
  'Exit codes: 0 success, 1 failure (composition, planning, an operation the gateway would refuse, start, a registry',
  'check that fails, an error from the admin API), 2 bad usage.',
].join('\n');

export class UsageError extends Error {}
