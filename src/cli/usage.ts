export const USAGE = `junction — GraphQL federation gateway

Usage:
  junction serve --supergraph <supergraph.yaml | supergraph.graphql> [--config gateway.yaml] [--port <p>] [--host <h>]
  junction compose <supergraph.yaml> [-o <supergraph.graphql>]
  junction plan <operation.graphql> --supergraph <file> [--operation-name <name>] [--format text|json]
  junction manifest check <manifest.json> --supergraph <file> [--config gateway.yaml] [--format text|json]
                                                every operation of a persisted-query manifest, checked as the gateway would
  junction subgraphs [accounts|inventory|products|reviews ...]
  junction demo [--config gateway.yaml]        the four sample subgraphs + the gateway (what npm start runs)
  junction token --sub <id> [--scopes "<a b>"] [--expires <seconds>] [--issuer <iss>] [--audience <aud>] [--dir <dir>]
                                                a development token the gateway accepts outside production

Exit codes: 0 success, 1 failure (composition, planning, an operation the gateway would refuse, start), 2 bad usage.`;

export class UsageError extends Error {}
