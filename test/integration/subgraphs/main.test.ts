import { runSubgraphsCli } from '../../../subgraphs/main';
import { postGraphQL } from './helpers';

/** Resolves with the first console.log line matching `pattern`; no polling, no sleeps. */
function nextLogLine(pattern: RegExp): { line: Promise<string>; restore: () => void } {
  let restore = (): void => {};
  const line = new Promise<string>((resolve) => {
    const spy = jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      const text = args.map(String).join(' ');
      if (pattern.test(text)) resolve(text);
    });
    restore = () => spy.mockRestore();
  });
  return { line, restore };
}

describe('runSubgraphsCli (the subgraphs entry point)', () => {
  it('serves the named subgraph on PORT, prints its URL, and stops with 0 on SIGTERM', async () => {
    const log = nextLogLine(/^products: /);
    const signalListeners = process.listenerCount('SIGTERM');
    try {
      const exit = runSubgraphsCli(['products'], { PORT: '0' });
      const line = await log.line;
      const port = /^products: http:\/\/localhost:(\d+)\/graphql$/.exec(line)?.[1];
      expect(Number(port)).toBeGreaterThan(0);

      const url = `http://127.0.0.1:${port}/graphql`;
      const res = await postGraphQL<{ product: { name: string } }>(url, '{ product(upc: "1") { name } }');
      expect(res.data).toEqual({ product: { name: 'Trusty Kettle' } });

      process.emit('SIGTERM', 'SIGTERM');
      await expect(exit).resolves.toBe(0);
      await expect(fetch(url, { method: 'POST' })).rejects.toThrow();
      expect(process.listenerCount('SIGTERM')).toBe(signalListeners);
    } finally {
      log.restore();
    }
  });

  it('exits 2 with the valid names for an unknown subgraph, without starting anything', async () => {
    const errors = jest.spyOn(console, 'error').mockImplementation(() => {});
    try {
      await expect(runSubgraphsCli(['accounts', 'shipping'], {})).resolves.toBe(2);
      expect(errors).toHaveBeenCalledWith('Unknown subgraph "shipping". Valid names: accounts, inventory, products, reviews');
    } finally {
      errors.mockRestore();
    }
  });
});
