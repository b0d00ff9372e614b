#!/usr/bin/env node
import './telemetry';
import { commandHelp, helpKey, USAGE, UsageError } from './usage';

type Command = (argv: string[]) => Promise<number>;

// Each command loads only its own modules: `serve` must not carry the sample subgraphs (or composition) in
// the gateway's memory just because another command needs them.
const COMMANDS: Record<string, () => Command> = {
  serve: () => (require('./serve') as typeof import('./serve')).serveCommand,
  compose: () => (require('./compose') as typeof import('./compose')).composeCommand,
  plan: () => (require('./plan') as typeof import('./plan')).planCommand,
  manifest: () => (require('./manifest') as typeof import('./manifest')).manifestCommand,
  subgraphs: () => (require('./subgraphs') as typeof import('./subgraphs')).subgraphsCommand,
  demo: () => (require('./demo') as typeof import('./demo')).demoCommand,
  token: () => (require('./token') as typeof import('./token')).tokenCommand,
  publish: () => (require('./publish') as typeof import('./publish')).publishCommand,
  check: () => (require('./check') as typeof import('./check')).checkCommand,
  rollback: () => (require('./rollback') as typeof import('./rollback')).rollbackCommand,
  history: () => (require('./history') as typeof import('./history')).historyCommand,
  canary: () => (require('./canary') as typeof import('./canary')).canaryCommand,
};

/** The `junction` command. Every failure ends in a message and an exit code, never a stack trace. */
async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' && rest[0] !== undefined ? helpKey(rest[0], rest.slice(1)) : undefined;
    console.log(topic ? commandHelp(topic) : USAGE);
    return name ? 0 : 2;
  }
  const load = COMMANDS[name];
  if (!load) {
    console.error(`Unknown command "${name}". Run \`junction --help\` for the commands.`);
    return 2;
  }
  const help = helpKey(name, rest);
  if (help !== undefined && (rest.includes('--help') || rest.includes('-h'))) {
    console.log(commandHelp(help));
    return 0;
  }
  try {
    return await load()(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      // One line and where to look: the whole usage would bury the one thing that was wrong.
      const command = help ?? name;
      const message = err.message.startsWith(`${command} `) ? err.message : `junction ${command}: ${err.message}`;
      console.error(`${message}\nRun \`junction ${help ?? name} --help\` for its options.`);
      return 2;
    }
    console.error(`junction ${name} failed: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
