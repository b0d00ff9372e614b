import { RateLimiterMemory, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { CounterOptions, Counters } from './counters';

/** rate-limiter-flexible's per-process counters (each replica counts on its own). */
export class MemoryCounters implements Counters {
  readonly kind = 'memory';

  constructor(private readonly keyPrefix: string) {}

  family(options: CounterOptions): RateLimiterAbstract {
    return new RateLimiterMemory({ points: options.points, duration: options.durationSec, keyPrefix: this.keyPrefix + options.keyPrefix });
  }

  async close(): Promise<void> {}
}
