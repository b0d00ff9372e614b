#!/usr/bin/env node
// Telemetry must be off before @apollo/server loads, hence the first import.
import './common/telemetry';
import { USAGE, parseSubgraphArgs } from './args';
import { startSubgraphs, type RunningSubgraphGroup } from './index';

/**
 * Runs `[name ...]` until SIGINT/SIGTERM and resolves with the exit code: 0 after a clean
 * stop (or --help), 1 when starting or stopping fails, 2 for bad usage. Returns a code
 * instead of exiting so `junction subgraphs` can embed it.
 */
export async function runSubgraphsCli(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const parsed = parseSubgraphArgs(argv, env);
  if (parsed.kind === 'help') {
    console.log(USAGE);
    return 0;
  }
  if (parsed.kind === 'error') {
    console.error(parsed.message);
    return 2;
  }
  for (const warning of parsed.warnings) console.error(`warning: ${warning}`);

  let group: RunningSubgraphGroup;
  try {
    group = await startSubgraphs(parsed.names, {
      ports: parsed.ports,
      pubSub: { redisUrl: parsed.redisUrl },
      shippingDelayMs: parsed.shippingDelayMs,
    });
  } catch (error) {
    console.error(`Failed to start: ${messageOf(error)}`);
    return 1;
  }
  for (const subgraph of group.subgraphs) {
    console.log(`${subgraph.name}: http://localhost:${subgraph.port}/graphql`);
  }
  return untilSignalled(group);
}

function untilSignalled(group: RunningSubgraphGroup): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) {
        // A second signal means "now": do not wait for in-flight requests.
        console.error(`${signal} again, exiting without waiting`);
        process.exit(1);
      }
      stopping = true;
      group.stop().then(
        () => finish(0),
        (error: unknown) => {
          console.error(`Failed to stop cleanly: ${messageOf(error)}`);
          finish(1);
        },
      );
    };
    const finish = (code: number): void => {
      process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
      resolve(code);
    };
    process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

if (require.main === module) {
  // Exit by running out of work, not process.exit: a hang here would expose a leaked socket.
  void runSubgraphsCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
