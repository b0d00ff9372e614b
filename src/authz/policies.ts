import { resolve } from 'node:path';
import type { Principal } from '../auth';

export type PolicyEvaluator = (names: readonly string[], principal: Principal | undefined) => Promise<ReadonlyMap<string, boolean>>;

type PolicyFunction = (name: string, principal: Principal | undefined) => boolean | Promise<boolean>;

/**
 * How `@policy` names are decided: an operator module (`authorization.policies.module`, exporting
 * `evaluatePolicy(name, principal)`), else the built-in claim match — `role:admin` holds when the claim
 * `role` is `admin` or a list containing it. Anything that fails or is unknown is denied (fail closed).
 */
export function createPolicyEvaluator(options: { module?: string | undefined; claimMatch: boolean }): PolicyEvaluator {
  let custom: PolicyFunction | undefined;
  if (options.module) {
    const loaded = require(resolve(options.module)) as { evaluatePolicy?: unknown };
    if (typeof loaded.evaluatePolicy !== 'function') throw new Error(`${options.module} does not export evaluatePolicy(name, principal)`);
    custom = loaded.evaluatePolicy as PolicyFunction;
  }
  return async (names, principal) => {
    const results = new Map<string, boolean>();
    for (const name of names) {
      let allowed = false;
      try {
        if (custom) allowed = (await custom(name, principal)) === true;
        else if (options.claimMatch) allowed = claimMatches(name, principal);
      } catch {
        allowed = false;
      }
      results.set(name, allowed);
    }
    return results;
  };
}

function claimMatches(policy: string, principal: Principal | undefined): boolean {
  const at = policy.indexOf(':');
  if (!principal || at <= 0) return false;
  const claim = principal.claims[policy.slice(0, at)];
  const expected = policy.slice(at + 1);
  return Array.isArray(claim) ? claim.includes(expected) : claim === expected;
}
