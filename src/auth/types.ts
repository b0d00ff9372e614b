/** Who sent a request, from a verified token. Frozen: resolvers and plugins read it, never change it. */
export interface Principal {
  readonly sub: string | undefined;
  readonly scopes: readonly string[];
  readonly claims: Readonly<Record<string, unknown>>;
}

/** A local public key: a JWK (its `alg`, when present, narrows what it verifies) or an SPKI PEM with its algorithm. */
export type LocalKey = { jwk: Record<string, unknown> } | { pem: string; alg: string };

export interface AuthenticationOptions {
  /** Header carrying the token, e.g. 'authorization' (case-insensitive). */
  header: string;
  /** e.g. 'Bearer ' (its scheme matched case-insensitively); '' = the header is the raw token. */
  prefix: string;
  /** Read the token from this cookie when the header is absent. */
  cookie?: string;
  /** A missing token is UNAUTHENTICATED instead of anonymous. */
  require: boolean;
  issuer?: string | string[];
  audience?: string | string[];
  /** Allowlist; a token with any other alg (incl. "none") is refused. */
  algorithms: string[];
  /** Skew allowed on exp/nbf. */
  clockToleranceSec: number;
  /** A larger token is refused before any parsing. */
  maxTokenBytes: number;
  /** Remote JWKS, cached; an unknown kid refetches it at most once per cooldownMs. */
  jwks?: { url: string; cooldownMs: number; timeoutMs: number };
  keys?: ReadonlyArray<LocalKey>;
  /** HMAC secrets (at least 32 bytes), honoured only for the HS algorithms in the allowlist. */
  secrets?: ReadonlyArray<{ secret: string }>;
}

/** Fetch's Headers, or a wrapper over Node's IncomingHttpHeaders. */
export interface HeaderReader {
  get(name: string): string | null | undefined;
}

export interface Authenticator {
  /** undefined = anonymous (no token and not required). Throws AuthenticationError for any bad token. */
  authenticate(headers: HeaderReader): Promise<Principal | undefined>;
}
