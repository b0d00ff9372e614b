export const USAGE = `junction — GraphQL federation gateway

Usage:
  junction serve --supergraph <supergraph.yaml | supergraph.graphql> [--config gateway.yaml] [--port <p>] [--host <h>]
  junction compose <supergraph.yaml> [-o <supergraph.graphql>]
  junction plan <operation.graphql> --supergraph <file> [--operation-name <name>] [--planner apollo|rust] [--format text|json]
  junction manifest check <manifest.json> --supergraph <file> [--config gateway.yaml] [--format text|json]
                                                every operation of a persisted-query manifest, checked as the gateway would
  junction subgraphs [accounts|inventory|products|reviews ...]
                                                run the sample subgraphs (all four when none is named)
  junction demo [--config gateway.yaml]        the four sample subgraphs + the gateway (what npm start runs)
  junction token --sub <id> [--scopes "<a b>"] [--expires <seconds>] [--issuer <iss>] [--audience <aud>] [--dir <dir>]
                                                a development token the gateway accepts outside production

Subgraph registry (a running gateway's admin API):
  junction publish <name> --url <routing url> (--schema <file.graphql> | --introspect <subgraph url>) [--canary <percent>] [--author <who>]
                                                --canary: serve the new supergraph to that share of clients first, judged and promoted by itself
  junction check <name> (--schema <file.graphql> | --introspect <subgraph url> | --delete) [--url <routing url>] [--format text|json]
                                                dry run of a publish or delete; exit 1 if it does not compose or breaks the schema
  junction subgraphs list
  junction subgraphs delete <name> [--author <who>]
  junction history                              the supergraph versions, newest first
  junction rollback <version> [--author <who>]
  junction canary status|promote|abort [--author <who>] [--format text|json]
                                                the canary release under way and the judge's figures; promote it now, or abort it
  Each also takes --gateway <url> (env JUNCTION_GATEWAY_URL, default http://localhost:4000) and --token <token>
  (env JUNCTION_ADMIN_TOKEN, required); --author defaults to GITHUB_ACTOR, GITLAB_USER_LOGIN or USER.

Exit codes: 0 success, 1 failure (composition, planning, an operation the gateway would refuse, start, a registry
check that fails, an error from the admin API), 2 bad usage.`;

export class UsageError extends Error {}
