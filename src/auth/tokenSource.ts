import { AuthenticationError } from './authenticationError';
import type { AuthenticationOptions, HeaderReader } from './types';

/** Where a request's token is read (gateway.yaml `auth`). */
export type TokenSource = Readonly<Pick<AuthenticationOptions, 'header' | 'prefix' | 'cookie' | 'maxTokenBytes'>>;

/** The request's token: from the header, else from the cookie; undefined when neither carries one. */
export function readToken(headers: HeaderReader, source: TokenSource): string | undefined {
  const raw = headers.get(source.header.toLowerCase())?.trim();
  const token = raw ? fromHeader(raw, source) : source.cookie ? fromCookie(headers.get('cookie'), source.cookie) : undefined;
  if (token === undefined) return undefined;
  // Resource exhaustion: a huge token costs base64 and JSON decoding before its signature can be refused.
  if (Buffer.byteLength(token, 'utf8') > source.maxTokenBytes) throw new AuthenticationError('token too large');
  return token;
}

function fromHeader(value: string, { header, prefix }: TokenSource): string {
  // The auth-scheme ("Bearer") is case-insensitive (RFC 9110 §11.1).
  if (value.slice(0, prefix.length).toLowerCase() !== prefix.toLowerCase()) {
    throw new AuthenticationError(`the ${header} header must be "${prefix}<token>"`);
  }
  const token = value.slice(prefix.length).trim();
  if (token === '') throw new AuthenticationError('malformed token');
  return token;
}

/**
 * Cookie tossing: a sibling subdomain can plant a second cookie of the same name, and which one a server reads
 * first is up to the browser's ordering; two of them make the request ambiguous, so it is refused.
 * An empty value (a cookie cleared at logout) counts as no token.
 */
function fromCookie(header: string | null | undefined, name: string): string | undefined {
  if (!header) return undefined;
  const values: string[] = [];
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === name) values.push(unquote(pair.slice(eq + 1).trim()));
  }
  if (values.length > 1) throw new AuthenticationError(`more than one ${name} cookie`);
  return values[0] || undefined;
}

/** RFC 6265 allows a cookie value in double quotes. */
function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}
