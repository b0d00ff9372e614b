import type { GraphQLFormattedError } from 'graphql';
import type { JunctionConfig, SubgraphErrorRule } from '../config';

/** The error a client sees, and whether anything of the original was withheld (then the original is logged). */
export type SubgraphErrorPolicy = (error: GraphQLFormattedError) => { error: GraphQLFormattedError; redacted: boolean };

/** Apollo Router's text for a redacted subgraph error. */
const REDACTED_MESSAGE = 'Subgraph errors redacted';

// Junction's own failure texts for a fetch (src/gateway/subgraphClient.ts), after `Subgraph "<name>" `: they
// describe the transport, never the subgraph's internals. Only this exact shape counts, so a subgraph cannot
// get a message of its own through by answering one of these codes.
const TRANSPORT_CODES = new Set(['SUBGRAPH_UNAVAILABLE', 'SUBGRAPH_BAD_RESPONSE', 'SUBGRAPH_RESPONSE_TOO_LARGE', 'GATEWAY_TIMEOUT']);
const TRANSPORT_TEXT = /^(?:is unavailable(?: \((?:HTTP \d{3}|circuit open after repeated failures)\))?|returned an invalid response|returned a response larger than \d+ bytes|did not answer within \d+ ms)\.$/;

/**
 * Information disclosure: a subgraph's error can carry a connection string, an internal host or a dump in its
 * message and extensions. Compiled once from `subgraphErrors`; applied to every error that carries
 * `extensions.serviceName` (both executors set it on each error they take from a subgraph). Redacting keeps the
 * path, `code` and `serviceName`, the allowlisted extensions, and the message only for the rule's `passCodes`
 * and for Junction's own transport failures. Undefined when no rule redacts anything.
 */
export function compileSubgraphErrorPolicy(config: JunctionConfig['subgraphErrors']): SubgraphErrorPolicy | undefined {
  const compile = (rule: SubgraphErrorRule) => ({ redact: rule.redact, keep: new Set(['code', 'serviceName', ...rule.allowExtensions]), pass: new Set(rule.passCodes) });
  const all = compile(config.all);
  const byName = new Map(Object.entries(config.byName).map(([name, rule]) => [name, compile(rule)]));
  if (!all.redact && [...byName.values()].every((rule) => !rule.redact)) return undefined;

  return (error) => {
    const extensions = error.extensions;
    const serviceName = extensions?.serviceName;
    if (!extensions || typeof serviceName !== 'string') return { error, redacted: false };
    const rule = byName.get(serviceName) ?? all;
    if (!rule.redact) return { error, redacted: false };
    const code = extensions.code;
    const kept: Record<string, unknown> = {};
    let redacted = false;
    for (const [key, value] of Object.entries(extensions)) {
      if (rule.keep.has(key)) kept[key] = value;
      else redacted = true;
    }
    const passes = typeof code === 'string' && (rule.pass.has(code) || isTransportFailure(code, error.message, serviceName));
    const message = passes ? error.message : REDACTED_MESSAGE;
    if (message !== error.message) redacted = true;
    if (!redacted) return { error, redacted: false };
    return { error: { ...error, message, extensions: kept }, redacted: true };
  };
}

function isTransportFailure(code: string, message: string, serviceName: string): boolean {
  const prefix = `Subgraph "${serviceName}" `;
  return TRANSPORT_CODES.has(code) && message.startsWith(prefix) && TRANSPORT_TEXT.test(message.slice(prefix.length));
}
