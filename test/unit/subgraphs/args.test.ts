import { parseSubgraphArgs } from '../../../subgraphs/args';
import { DEFAULT_PORTS } from '../../../subgraphs/common/names';

describe('parseSubgraphArgs (the entry script rules)', () => {
  it('starts all four on the default ports when no name is given', () => {
    expect(parseSubgraphArgs([], {})).toEqual({
      kind: 'start',
      names: ['accounts', 'inventory', 'products', 'reviews'],
      ports: DEFAULT_PORTS,
      shippingDelayMs: 0,
      warnings: [],
    });
  });

  it('starts only the named subgraphs, once each, in the order given', () => {
    const parsed = parseSubgraphArgs(['reviews', 'accounts', 'reviews'], {});
    expect(parsed).toMatchObject({ kind: 'start', names: ['reviews', 'accounts'] });
  });

  it('rejects an unknown name with a message listing the valid ones', () => {
    expect(parseSubgraphArgs(['accounts', 'shipping'], {})).toEqual({
      kind: 'error',
      message: 'Unknown subgraph "shipping". Valid names: accounts, inventory, products, reviews',
    });
  });

  it('rejects unknown options in one line that says where the help is', () => {
    const parsed = parseSubgraphArgs(['--port=1'], {});
    expect(parsed).toEqual({ kind: 'error', message: 'Unknown option "--port=1" (the sample subgraphs take only names). Run `junction subgraphs --help`.' });
  });

  it('passes REDIS_URL on for subscription events, and rejects one that is not a redis URL', () => {
    expect(parseSubgraphArgs(['reviews'], { REDIS_URL: ' redis://127.0.0.1:6379 ' })).toMatchObject({ kind: 'start', redisUrl: 'redis://127.0.0.1:6379' });
    expect(parseSubgraphArgs([], {})).not.toHaveProperty('redisUrl');
    expect(parseSubgraphArgs([], { REDIS_URL: 'http://x' })).toEqual({
      kind: 'error',
      message: 'REDIS_URL must start with redis:// or rediss://, got "http://x"',
    });
  });

  it('recognises --help', () => {
    expect(parseSubgraphArgs(['accounts', '--help'], {})).toEqual({ kind: 'help' });
  });

  it('lets PORT override the port when exactly one subgraph is named', () => {
    const parsed = parseSubgraphArgs(['products'], { PORT: '8080' });
    expect(parsed).toMatchObject({ kind: 'start', names: ['products'], ports: { products: 8080 }, warnings: [] });
  });

  it('ignores PORT, with a warning, when several subgraphs start', () => {
    const parsed = parseSubgraphArgs([], { PORT: '8080' });
    expect(parsed).toMatchObject({ kind: 'start', ports: DEFAULT_PORTS });
    expect(parsed.kind === 'start' && parsed.warnings).toEqual(['PORT is ignored unless exactly one subgraph is named']);
  });

  it.each(['abc', '-1', '70000', '80.5'])('rejects PORT=%s', (port) => {
    expect(parseSubgraphArgs(['accounts'], { PORT: port })).toEqual({
      kind: 'error',
      message: `PORT must be an integer from 0 to 65535, got "${port}"`,
    });
  });

  it('reads INVENTORY_SHIPPING_DELAY_MS (the @defer demo slow field), 0 when unset, and refuses nonsense', () => {
    expect(parseSubgraphArgs([], { INVENTORY_SHIPPING_DELAY_MS: ' 300 ' })).toMatchObject({ kind: 'start', shippingDelayMs: 300 });
    expect(parseSubgraphArgs([], { INVENTORY_SHIPPING_DELAY_MS: '' })).toMatchObject({ kind: 'start', shippingDelayMs: 0 });
    for (const bad of ['-5', '1.5', 'slow', '10001']) {
      expect(parseSubgraphArgs([], { INVENTORY_SHIPPING_DELAY_MS: bad })).toEqual({
        kind: 'error',
        message: `INVENTORY_SHIPPING_DELAY_MS must be an integer from 0 to 10000, got "${bad}"`,
      });
    }
  });
});
