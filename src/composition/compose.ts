import { parse, GraphQLError } from 'graphql';

/** One subgraph's schema, as composition needs it. */
export interface SubgraphSource {
  name: string;
  /** The URL the gateway sends this subgraph's fetches to. */
  url: string;
  sdl: string;
}

/** A composition error as Junction reports it: the code, the message and the subgraphs involved. */
export interface CompositionIssue {
  code: string;
  message: string;
  subgraphs: string[];
}

export type CompositionOutcome =
  | { ok: true; supergraphSdl: string; hints: CompositionIssue[] }
  | { ok: false; errors: CompositionIssue[] };

/**
 * Composes subgraph schemas into a supergraph with `@apollo/composition` (what rover and GraphOS run).
 * A subgraph whose SDL does not parse is reported like any other composition error, naming it.
 */
export function composeSubgraphs(sources: readonly SubgraphSource[]): CompositionOutcome {
  const names = sources.map((s) => s.name);
  const parseErrors: CompositionIssue[] = [];
  const services = [];
  for (const source of sources) {
    try {
      services.push({ name: source.name, url: source.url, typeDefs: parse(source.sdl) });
    } catch (err) {
      const message = err instanceof GraphQLError ? err.message : String(err);
      parseErrors.push({ code: 'INVALID_GRAPHQL', message: `[${source.name}] ${message}`, subgraphs: [source.name] });
    }
  }
  if (parseErrors.length > 0) return { ok: false, errors: parseErrors };
  if (services.length === 0) {
    return { ok: false, errors: [{ code: 'NO_SUBGRAPHS', message: 'No subgraphs to compose.', subgraphs: [] }] };
  }
  // Loaded on first use: a gateway serving a pre-composed supergraph never needs it (~20 MiB resident).
  const { composeServices } = require('@apollo/composition') as typeof import('@apollo/composition');
  const result = composeServices(services);
  if (result.errors) return { ok: false, errors: result.errors.map((e) => toIssue(e, names)) };
  return {
    ok: true,
    supergraphSdl: result.supergraphSdl,
    hints: result.hints.map((h) => ({ code: h.definition.code, message: h.message, subgraphs: involved(h.message, [], names) })),
  };
}

function toIssue(error: GraphQLError, names: readonly string[]): CompositionIssue {
  const code = typeof error.extensions?.code === 'string' ? error.extensions.code : 'COMPOSITION_ERROR';
  const fromNodes = (error.nodes ?? []).map((n) => (n as { subgraph?: unknown }).subgraph).filter((s): s is string => typeof s === 'string');
  return { code, message: error.message, subgraphs: involved(error.message, fromNodes, names) };
}

// Composition names the subgraphs on AST nodes for some errors and only in the message for others.
function involved(message: string, fromNodes: readonly string[], names: readonly string[]): string[] {
  const found = new Set(fromNodes);
  for (const name of names) if (message.includes(`"${name}"`)) found.add(name);
  return [...found].sort();
}
