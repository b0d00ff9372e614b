/** What one schema element demands of the caller. `scopes` / `policies` are OR-of-AND lists, as in the directives. */
export interface Requirement {
  authenticated: boolean;
  scopes?: string[][];
  policies?: string[][];
}

/** Who is asking. Anonymous requests have `authenticated: false` and (normally) no scopes. */
export interface Caller {
  authenticated: boolean;
  scopes: readonly string[];
  /** policy name → allowed */
  policies: ReadonlyMap<string, boolean>;
}

/**
 * Both requirements at once (an element carrying `@requiresScopes` twice, through a type extension).
 * (a OR b) AND (c OR d) is expanded to (a∧c) OR (a∧d) OR (b∧c) OR (b∧d), keeping the directives' shape.
 */
export function both(a: Requirement, b: Requirement): Requirement {
  const merged: Requirement = { authenticated: a.authenticated || b.authenticated };
  const scopes = andLists(a.scopes, b.scopes);
  if (scopes !== undefined) merged.scopes = scopes;
  const policies = andLists(a.policies, b.policies);
  if (policies !== undefined) merged.policies = policies;
  return merged;
}

function andLists(a: string[][] | undefined, b: string[][] | undefined): string[][] | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a.flatMap((left) => b.map((right) => [...new Set([...left, ...right])]));
}

/**
 * Whether `caller` satisfies `requirement`. An empty outer list (`scopes: []`) has no alternative that can
 * be met, so it denies: a malformed or empty requirement fails closed rather than open.
 */
export function isMet(requirement: Requirement, caller: Caller, callerScopes: ReadonlySet<string>): boolean {
  if (requirement.authenticated && !caller.authenticated) return false;
  if (requirement.scopes !== undefined && !requirement.scopes.some((all) => all.every((s) => callerScopes.has(s)))) {
    return false;
  }
  if (
    requirement.policies !== undefined &&
    !requirement.policies.some((all) => all.every((p) => caller.policies.get(p) === true))
  ) {
    return false;
  }
  return true;
}
