import { GraphQLError, type DocumentNode } from 'graphql';
import type { Principal } from '../auth';
import { authorizeOperation, type AuthorizationResult, type Caller } from '../authz';
import { junctionError } from '../errors';
import type { SupergraphState } from './supergraphState';

/** What authorization decided for a caller who may not see all of an operation. */
export interface AuthorizedOperation {
  /** The operation without what the caller may not see: what gets planned. */
  document: DocumentNode;
  /** Nothing is left to run: every root field was removed. */
  empty: boolean;
  /** One UNAUTHORIZED_FIELD_OR_TYPE error per removed field, at its path. */
  errors: GraphQLError[];
  /** The caller profile, as a key (part of the plan-cache key). */
  key: string;
  /** What the caller may not see, as a key ('' when nothing): responses computed for other callers differ. */
  removedKey: string;
  /** The filter's decision per field: the response shaper writes null wherever it says no. */
  allows: AuthorizationResult['allows'];
}

export interface OperationAuthorizationOptions {
  mode: 'filter' | 'reject';
  evaluatePolicies(names: readonly string[], principal: Principal | undefined): Promise<ReadonlyMap<string, boolean>>;
}

const NO_POLICIES: ReadonlyMap<string, boolean> = new Map();

// JSON, not joined strings: a scope may hold any character ("read:email x" is not "read:email" and "x").
function profileKey(caller: Caller): string {
  return JSON.stringify([caller.authenticated, [...caller.scopes].sort(), [...caller.policies].filter(([, ok]) => ok).map(([n]) => n).sort()]);
}

const ANONYMOUS_PROFILE = profileKey({ authenticated: false, scopes: [], policies: NO_POLICIES });

/**
 * @authenticated / @requiresScopes / @policy for one operation and caller, before planning: undefined when
 * nothing is restricted for the caller, a refusal in reject mode, else the filtered operation. Decisions are
 * cached per document and caller profile (authenticated, scopes, policy outcomes).
 */
export class OperationAuthorization {
  private readonly decisions = new WeakMap<DocumentNode, Map<string, AuthorizationResult>>();
  private readonly profiles = new WeakMap<Principal, string>();

  constructor(private readonly options: OperationAuthorizationOptions) {}

  async authorize(state: SupergraphState, document: DocumentNode, operationName: string | undefined, principal: Principal | undefined): Promise<AuthorizedOperation | GraphQLError | undefined> {
    const index = state.authorization;
    if (!index) return undefined;
    const caller: Caller = {
      authenticated: principal !== undefined,
      scopes: principal?.scopes ?? [],
      policies: index.policies.length > 0 ? await this.options.evaluatePolicies(index.policies, principal) : NO_POLICIES,
    };
    // Without policies the profile depends on the principal alone: its key is made once per principal.
    let callerKey = index.policies.length === 0 ? (principal ? this.profiles.get(principal) : ANONYMOUS_PROFILE) : undefined;
    if (callerKey === undefined) {
      callerKey = profileKey(caller);
      if (principal && index.policies.length === 0) this.profiles.set(principal, callerKey);
    }
    let byCaller = this.decisions.get(document);
    if (!byCaller) this.decisions.set(document, (byCaller = new Map()));
    const key = `${operationName ?? ''}\u0000${callerKey}`;
    let result = byCaller.get(key);
    if (!result) byCaller.set(key, (result = authorizeOperation(index, state.schema, document, operationName, caller)));
    if (result.unauthorized.length === 0) return undefined;
    if (this.options.mode === 'reject') {
      return junctionError('UNAUTHORIZED_FIELD_OR_TYPE', `Unauthorized field or type at ${result.unauthorized.map((u) => u.path.join('.')).join(', ')}.`);
    }
    const errors = result.unauthorized.map((u) => new GraphQLError('Unauthorized field or type', { path: [...u.path], extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' } }));
    return { document: result.document, empty: result.empty, errors, key: callerKey, removedKey: JSON.stringify(result.unauthorized.map((u) => u.path)), allows: result.allows };
  }
}
