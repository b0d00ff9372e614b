import { COMMAND_HELP, commandHelp } from '../../../src/cli/usage';
import { SERVE_OPTIONS } from '../../../src/cli/serve';
import { COMPOSE_OPTIONS } from '../../../src/cli/compose';
import { PLAN_OPTIONS } from '../../../src/cli/plan';
import { CHECK_OPTIONS } from '../../../src/cli/args';
import { DEMO_OPTIONS } from '../../../src/cli/demo';
import { TOKEN_OPTIONS } from '../../../src/cli/token';
import { PUBLISH_OPTIONS } from '../../../src/cli/publish';
import { CHECK_COMMAND_OPTIONS } from '../../../src/cli/check';
import { DELETE_OPTIONS, LIST_OPTIONS } from '../../../src/cli/registrySubgraphs';
import { HISTORY_OPTIONS } from '../../../src/cli/history';
import { ROLLBACK_OPTIONS } from '../../../src/cli/rollback';
import { CANARY_OPTIONS } from '../../../src/cli/canary';

type Options = Readonly<Record<string, { type: string; short?: string }>>;

/** What each command's parser accepts. */
const PARSERS: Record<string, Options> = {
  serve: SERVE_OPTIONS,
  compose: COMPOSE_OPTIONS,
  plan: PLAN_OPTIONS,
  'manifest check': CHECK_OPTIONS,
  subgraphs: {},
  demo: DEMO_OPTIONS,
  token: TOKEN_OPTIONS,
  publish: PUBLISH_OPTIONS,
  check: CHECK_COMMAND_OPTIONS,
  'subgraphs list': LIST_OPTIONS,
  'subgraphs delete': DELETE_OPTIONS,
  history: HISTORY_OPTIONS,
  rollback: ROLLBACK_OPTIONS,
  canary: CANARY_OPTIONS,
};

const accepted = (options: Options) => Object.entries(options).flatMap(([name, o]) => [`--${name}`, ...(o.short ? [`-${o.short}`] : [])]).sort();
const listed = (key: string) => COMMAND_HELP[key]!.flags.flatMap((f) => f.flag.split(', ')).sort();

describe('per-command help', () => {
  it('covers every command', () => {
    expect(Object.keys(COMMAND_HELP).sort()).toEqual(Object.keys(PARSERS).sort());
  });

  it.each(Object.keys(PARSERS))('junction %s --help lists exactly the flags its parser accepts', (key) => {
    expect(listed(key)).toEqual(accepted(PARSERS[key]!));
  });

  it('prints the synopsis, every option and the exit codes', () => {
    const help = commandHelp('serve');
    expect(help).toContain('junction serve --supergraph');
    expect(help).toMatch(/--workers <n\|auto>\s+Gateway processes/);
    expect(help).toContain('Exit codes:');
  });
});
