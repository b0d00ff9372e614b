#!/usr/bin/env node
import './telemetry';
import { USAGE, UsageError } from './usage';

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
    console.log(USAGE);
    return name ? 0 : 2;
  }
  const load = COMMANDS[name];
  if (!load) {
    console.error(`Unknown command "${name}".\n\n${USAGE}`);
    return 2;
  }
  try {
    return await load()(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`${err.message}\n\n${USAGE}`);
      return 2;
    }
    console.error(`junction ${name} failed: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
