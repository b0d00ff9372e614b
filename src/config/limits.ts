import type { LIMIT_DEFAULTS } from './schema';

// The request limits' settings (`limits.*`): config owns their shape (the names are LIMIT_DEFAULTS' keys, in
// schema.ts), security enforces them (security/limits, whose LIMITS table must name each one).

export type LimitMode = 'enforce' | 'measure';

/** One configured limit: its maximum and whether going over rejects (enforce) or only logs (measure). */
export interface Limit {
  max: number;
  mode: LimitMode;
}

export type LimitName = keyof typeof LIMIT_DEFAULTS;

export type LimitsConfig = Record<LimitName, Limit>;
