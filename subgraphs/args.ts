import { DEFAULT_PORTS, SUBGRAPH_NAMES, isSubgraphName, type SubgraphName } from './common/names';

/** Ten seconds: slow enough for any demo, short of a gateway's subgraph timeout being the only way out. */
const MAX_SHIPPING_DELAY_MS = 10_000;

export const USAGE = [
  'Usage: node dist/subgraphs/main.js [name ...]',
  '',
  `Starts the named sample subgraphs (all if none): ${SUBGRAPH_NAMES.join(', ')}.`,
  `Default ports: ${SUBGRAPH_NAMES.map((n) => `${n} ${DEFAULT_PORTS[n]}`).join(', ')}.`,
  'PORT overrides the port when exactly one subgraph is named.',
  'REDIS_URL (redis:// or rediss://) shares reviewAdded subscription events between replicas through Redis pub/sub.',
  'INVENTORY_SHIPPING_DELAY_MS makes inventory wait that long before each shippingEstimate (a slow field for the @defer demo; default 0).',
].join('\n');

export type ParsedArgs =
  | {
      readonly kind: 'start';
      readonly names: readonly SubgraphName[];
      readonly ports: Readonly<Record<SubgraphName, number>>;
      /** REDIS_URL: subscription events go through Redis pub/sub (in-process when unset). */
      readonly redisUrl?: string;
      /** INVENTORY_SHIPPING_DELAY_MS: a deliberately slow shippingEstimate, for demonstrating @defer (0 when unset). */
      readonly shippingDelayMs: number;
      /** Things worth telling the user that do not stop the start. */
      readonly warnings: readonly string[];
    }
  | { readonly kind: 'help' }
  | { readonly kind: 'error'; readonly message: string };

/** Pure so the entry script's rules can be tested without spawning a process. */
export function parseSubgraphArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): ParsedArgs {
  if (argv.includes('-h') || argv.includes('--help')) return { kind: 'help' };

  const names: SubgraphName[] = [];
  for (const arg of argv) {
    // One line and where to look, as every junction command answers a usage error.
    if (arg.startsWith('-')) return { kind: 'error', message: `Unknown option "${arg}" (the sample subgraphs take only names). Run \`junction subgraphs --help\`.` };
    if (!isSubgraphName(arg)) {
      return { kind: 'error', message: `Unknown subgraph "${arg}". Valid names: ${SUBGRAPH_NAMES.join(', ')}` };
    }
    if (!names.includes(arg)) names.push(arg);
  }
  const selected = names.length > 0 ? names : [...SUBGRAPH_NAMES];

  const ports = { ...DEFAULT_PORTS };
  const warnings: string[] = [];
  const portEnv = env['PORT']?.trim();
  const [only] = selected;
  if (portEnv) {
    if (selected.length !== 1 || only === undefined) {
      // PORT is often set globally (e.g. by a PaaS); ignoring it beats refusing to start.
      warnings.push('PORT is ignored unless exactly one subgraph is named');
    } else {
      const port = Number(portEnv);
      if (!/^[0-9]+$/.test(portEnv) || port > 65535) {
        return { kind: 'error', message: `PORT must be an integer from 0 to 65535, got "${portEnv}"` };
      }
      ports[only] = port;
    }
  }
  const redisUrl = env['REDIS_URL']?.trim() || undefined;
  if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl)) {
    return { kind: 'error', message: `REDIS_URL must start with redis:// or rediss://, got "${redisUrl}"` };
  }
  const delayEnv = env['INVENTORY_SHIPPING_DELAY_MS']?.trim() || '0';
  const shippingDelayMs = Number(delayEnv);
  // Bounded so a typo (an extra zero or three) cannot make every request hang for minutes.
  if (!/^[0-9]+$/.test(delayEnv) || shippingDelayMs > MAX_SHIPPING_DELAY_MS) {
    return { kind: 'error', message: `INVENTORY_SHIPPING_DELAY_MS must be an integer from 0 to ${MAX_SHIPPING_DELAY_MS}, got "${delayEnv}"` };
  }
  return { kind: 'start', names: selected, ports, shippingDelayMs, warnings, ...(redisUrl ? { redisUrl } : {}) };
}
