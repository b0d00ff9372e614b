#!/usr/bin/env node
import './telemetry';
import { composeCommand } from './compose';
import { demoCommand } from './demo';
import { planCommand } from './plan';
import { serveCommand } from './serve';
import { subgraphsCommand } from './subgraphs';
import { USAGE, UsageError } from './usage';

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  serve: serveCommand,
  compose: composeCommand,
  plan: planCommand,
  subgraphs: subgraphsCommand,
  demo: demoCommand,
};

/** The `junction` command. Every failure ends in a message and an exit code, never a stack trace. */
async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(USAGE);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`Unknown command "${name}".\n\n${USAGE}`);
    return 2;
  }
  try {
    return await command(rest);
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
