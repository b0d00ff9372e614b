import MIMEType from 'whatwg-mimetype';
import { checkVariables, type VariableBounds, type VariablesRefusal } from '../security';

/** Bodies parsed as JSON here (Apollo Server's rules answer every other type). */
const JSON_TYPES = ['application/json', 'application/graphql-response+json'];
const COMMON_TYPES = new Map(['application/json', 'application/json; charset=utf-8', 'application/graphql-response+json'].map((t) => [t, MIMEType.parse(t) as MIMEType]));

/**
 * The request's content type when it is JSON, parsed as Apollo Server parses it (whatwg-mimetype), so both
 * agree on what the header says; undefined for any other type or a header that does not parse.
 */
export function jsonContentType(header: string | undefined): MIMEType | undefined {
  // What nearly every client sends, parsed once (the result is only read).
  const common = header === undefined ? undefined : COMMON_TYPES.get(header);
  if (common) return common;
  const parsed = header === undefined ? null : MIMEType.parse(header);
  return parsed !== null && JSON_TYPES.includes(parsed.essence) ? parsed : undefined;
}

/**
 * Charset confusion: a body declared in another charset (UTF-7, Latin-1, UTF-16) would be decoded as UTF-8
 * anyway, so what the client meant and what the gateway (and a WAF in front of it) read could differ. GraphQL
 * over HTTP bodies are UTF-8, and no charset means UTF-8; any other is refused. The charset named, or
 * undefined when it is UTF-8.
 */
export function unsupportedCharset(type: MIMEType): string | undefined {
  const charset = type.parameters.get('charset')?.toLowerCase();
  return charset === undefined || charset === 'utf-8' || charset === 'utf8' ? undefined : charset.slice(0, 64);
}

/** `limits.variables` over every operation of a POST body (one, or a batch) or over GET's `variables` parameter. */
export function variablesRefusal(method: string, body: unknown, search: string, bounds: VariableBounds): VariablesRefusal | undefined {
  if (method === 'GET') {
    const text = search === '' ? null : new URLSearchParams(search.slice(1)).get('variables');
    if (text === null) return undefined;
    let variables: unknown;
    try {
      variables = JSON.parse(text);
    } catch {
      return undefined; // Apollo Server answers malformed variables with its own 400.
    }
    return checkVariables(variables, bounds);
  }
  for (const op of Array.isArray(body) ? body : [body]) {
    if (op === null || typeof op !== 'object') continue;
    const refusal = checkVariables((op as { variables?: unknown }).variables, bounds);
    if (refusal) return refusal;
  }
  return undefined;
}
