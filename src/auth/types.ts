import type { JunctionConfig } from '../config';

/** Who sent a request, from a verified token. Frozen: resolvers and plugins read it, never change it. */
export interface Principal {
  readonly sub: string | undefined;
  readonly scopes: readonly string[];
  readonly claims: Readonly<Record<string, unknown>>;
}

/** A local public key: a JWK (its `alg`, when present, narrows what it verifies) or an SPKI PEM with its algorithm. */
export type LocalKey = { jwk: Record<string, unknown> } | { pem: string; alg: string };

/**
 * gateway.yaml `auth` as the authenticator takes it (the development key already added to `keys`). The
 * algorithm list is plain strings, so a caller other than the config (which allows only the supported ones)
 * still gets each checked (an unknown one, or `none`, is refused).
 */
export type AuthenticationOptions = Omit<JunctionConfig['auth'], 'devKey' | 'devKeyDir' | 'algorithms' | 'keys' | 'secrets'> & {
  /** Allowlist; a token with any other alg (incl. "none") is refused. */
  algorithms: readonly string[];
  keys?: ReadonlyArray<LocalKey>;
  secrets?: JunctionConfig['auth']['secrets'];
};

/** Fetch's Headers, or a wrapper over Node's IncomingHttpHeaders. */
export interface HeaderReader {
  get(name: string): string | null | undefined;
}

export interface Authenticator {
  /** undefined = anonymous (no token and not required). Throws AuthenticationError for any bad token. */
  authenticate(headers: HeaderReader): Promise<Principal | undefined>;
}
