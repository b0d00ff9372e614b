import { existsSync } from 'node:fs';
import { loadConfig, type JunctionConfig } from '../config';
import { createLogger } from '../observability';
import { startJunction, type Junction } from '../server';
import { parse, portOption } from './args';
import { UsageError } from './usage';

/** `junction serve`: runs the gateway until SIGTERM/SIGINT, then drains and exits 0. */
export async function serveCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, { supergraph: { type: 'string' }, config: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' } }, false);
  if (!values.supergraph) throw new UsageError('serve needs --supergraph <supergraph.yaml | supergraph.graphql>');
  if (!existsSync(values.supergraph)) {
    console.error(`cannot read ${values.supergraph}`);
    return 1;
  }
  const config = configOrExit(values.config, { port: portOption(values.port), host: values.host });
  if (!config) return 1;
  await runUntilSignal(await startJunction({ config, supergraph: { path: values.supergraph }, logger: createLogger(config.logging.level) }));
  return 0;
}

/** Loads gateway.yaml + env; on problems prints every one of them and returns undefined. */
export function configOrExit(file: string | undefined, overrides: { port?: number | undefined; host?: string | undefined }): JunctionConfig | undefined {
  const loaded = loadConfig({ file, overrides });
  if (loaded.ok) return loaded.value;
  console.error(`Invalid configuration:\n${loaded.problems.map((p) => `  - ${p}`).join('\n')}`);
  return undefined;
}

export async function runUntilSignal(junction: Junction, alsoStop: () => Promise<void> = async () => {}): Promise<void> {
  console.log(`Junction listening on ${junction.url}`);
  await new Promise<void>((resolve) => {
    let stopping = false;
    const onSignal = (): void => {
      if (stopping) process.exit(1); // a second Ctrl-C: stop waiting
      stopping = true;
      void junction
        .stop()
        .then(alsoStop)
        .finally(resolve);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}
