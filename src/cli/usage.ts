export const USAGE = `junction — GraphQL federation gateway

Usage:
  junction serve --supergraph <supergraph.yaml | supergraph.graphql> [--config gateway.yaml] [--port <p>] [--host <h>]
  junction compose <supergraph.yaml> [-o <supergraph.graphql>]
  junction plan <operation.graphql> --supergraph <file> [--operation-name <name>] [--format text|json]
  junction subgraphs [accounts|inventory|products|reviews ...]
  junction demo [--config gateway.yaml]        the four sample subgraphs + the gateway (what npm start runs)
  junction token --sub <id> [--scopes "<a b>"] [--expires <seconds>] [--issuer <iss>] [--audience <aud>] [--dir <dir>]
                                                a development token the gateway accepts outside production

Exit codes: 0 success, 1 failure (composition, planning, start), 2 bad usage.`;

export class UsageError extends Error {}
