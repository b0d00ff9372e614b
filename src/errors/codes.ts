/**
 * The one table of error codes a client (or a CLI user) can see, with the HTTP status each maps to.
 * Names follow Apollo Router / Apollo Server where one exists, so clients written for them keep working.
 * `answered`, where given, is how the status goes out (headers, a WebSocket close code) for docs/errors.md
 * (`npm run docs` regenerates it; a test fails while it is stale).
 */
export const ERROR_CODES = {
  // Transport and request shape.
  BAD_REQUEST: { status: 400, description: 'The HTTP request is not a valid GraphQL request: the body is not JSON or not a GraphQL request; a malformed persistedQuery (a version other than 1, a hash that is not 64 lowercase hex characters) or documentId; a GET without a CSRF-prevention header (apollo-require-preflight); an admin request that is not application/json or not valid (the message names the member).' },
  PAYLOAD_TOO_LARGE: { status: 413, description: 'The request body is larger than server.maxBodyBytes (64 KiB on the admin API).' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, description: 'A JSON body with a charset other than UTF-8 (GraphQL over HTTP bodies are UTF-8).' },
  REQUEST_HEADER_FIELDS_TOO_LARGE: { status: 431, answered: '431, Connection: close', description: 'More request headers than server.maxHeaders (a request head over server.maxHeaderBytes gets Node\'s bare 431).' },
  REQUEST_TIMEOUT: { status: 408, answered: '408, Connection: close', description: 'No byte of the request body arrived for server.bodyIdleTimeoutMs; the connection is closed.' },
  VARIABLES_TOO_DEEP: { status: 400, description: 'Variables nest lists and objects deeper than limits.variables.maxDepth.' },
  VARIABLES_TOO_LARGE: { status: 400, description: 'Variables hold more values (each scalar, list and object counts one) than limits.variables.maxValues.' },
  METHOD_NOT_ALLOWED: { status: 405, answered: '405, Allow: POST', description: 'Wrong HTTP method: a mutation over GET, or a method other than POST on /admin/cache/invalidate.' },
  NOT_FOUND: { status: 404, description: 'No route at this path.' },
  GRAPHQL_PARSE_FAILED: { status: 400, description: 'The operation is not valid GraphQL syntax.' },
  GRAPHQL_VALIDATION_FAILED: { status: 400, description: 'The operation does not validate against the schema.' },
  BAD_USER_INPUT: { status: 400, description: 'Variables or arguments have invalid values.' },
  OPERATION_RESOLUTION_FAILURE: { status: 400, description: 'The operation name does not match an operation.' },
  OPERATION_NOT_SUPPORTED: { status: 400, description: 'The operation cannot run on this transport: a subscription sent as a plain HTTP request (use WebSocket, SSE or multipart), or subscriptions are off.' },
  QUERY_PLANNING_FAILED: { status: 400, description: 'No query plan can answer this operation.' },
  INTROSPECTION_DISABLED: { status: 400, description: 'Introspection is off (the default when NODE_ENV=production).' },
  BATCHING_DISABLED: { status: 400, description: 'The body is an array of operations and batching is off.' },
  BATCH_LIMIT_EXCEEDED: { status: 400, description: 'More operations in one batch than limits.batching.maxSize.' },
  // Persisted operations (Apollo's APQ protocol; Apollo Router's trusted-document codes).
  PERSISTED_QUERY_NOT_FOUND: { status: 200, answered: '200, Cache-Control: private, no-cache, must-revalidate', description: 'The APQ hash is not registered (yet): send the query with the hash to register it.' },
  PERSISTED_QUERY_NOT_SUPPORTED: { status: 200, description: 'APQ is off (persistedQueries.apq.enabled: false).' },
  PERSISTED_QUERY_HASH_MISMATCH: { status: 400, description: 'The sha256Hash (or documentId) is not the sha256 of the query sent with it.' },
  PERSISTED_QUERY_NOT_IN_LIST: { status: 400, description: 'The persisted-query id is in no manifest (safelist and require_id modes).' },
  QUERY_NOT_IN_SAFELIST: { status: 400, description: 'A free-form query that is not byte-identical to a manifest operation (safelist mode).' },
  PERSISTED_QUERY_ID_REQUIRED: { status: 400, description: 'A query body was sent where only manifest ids are accepted (require_id mode).' },
  // Request limits and demand control (Apollo Router's codes where it has one).
  MAX_TOKENS_LIMIT: { status: 400, description: 'More parser tokens than limits.maxTokens.' },
  MAX_DEPTH_LIMIT: { status: 400, description: 'Fields nested deeper than limits.maxDepth.' },
  MAX_HEIGHT_LIMIT: { status: 400, description: 'More distinct fields than limits.maxHeight.' },
  MAX_ALIASES_LIMIT: { status: 400, description: 'More aliases than limits.maxAliases.' },
  MAX_ROOT_FIELDS_LIMIT: { status: 400, description: 'More root fields than limits.maxRootFields.' },
  MAX_DIRECTIVES_LIMIT: { status: 400, description: 'More directive applications than limits.maxDirectives.' },
  MAX_SELECTIONS_LIMIT: { status: 400, description: 'More field selections, fragments expanded, than limits.maxSelections.' },
  MAX_INTROSPECTION_DEPTH_LIMIT: { status: 400, description: 'Introspection nested deeper than limits.maxIntrospectionDepth.' },
  COST_ESTIMATED_TOO_EXPENSIVE: { status: 400, description: 'Estimated cost above cost.max (extensions cost.estimated, cost.max).' },
  COST_SLICING_ARGUMENT_REQUIRED: { status: 400, description: 'A @listSize field needs exactly one slicing argument.' },
  RATE_LIMITED: { status: 429, answered: '429, Retry-After, RateLimit-*', description: 'A request-count or estimated-cost budget of rateLimit is spent for this window (per client or global); Retry-After says when to retry.' },
  UNAUTHORIZED_FIELD_OR_TYPE: { status: 403, answered: '200 (null at the path) / 403 (reject mode)', description: 'A field or type needs authentication, a scope or a policy the caller lacks (null at its path; 403 in reject mode).' },
  UNAUTHENTICATED: { status: 401, answered: '401, WWW-Authenticate: Bearer', description: 'The token is missing (when required), invalid, expired or not trusted; on /admin/…, the admin token was refused, or there is neither an admin token nor a verified token.' },
  FORBIDDEN: { status: 403, description: 'A verified caller without an admin scope called the admin API.' },
  // Gateway state and subgraphs.
  SCHEMA_NOT_LOADED: { status: 503, description: 'No supergraph is loaded yet.' },
  CACHE_STORE_UNAVAILABLE: { status: 503, description: 'The store did not take every invalidation marker; the invalidation may not reach every replica.' },
  SUBGRAPH_UNAVAILABLE: { status: 200, answered: '200 (partial data)', description: 'A subgraph could not be reached, answered an error status without a GraphQL body, or its circuit is open (partial data; the operator log says why: docs/observability.md).' },
  SUBGRAPH_BAD_RESPONSE: { status: 200, answered: '200 (partial data)', description: 'A subgraph answered something that is not a GraphQL response.' },
  SUBGRAPH_RESPONSE_TOO_LARGE: { status: 200, answered: '200 (partial data)', description: 'A subgraph answer exceeded maxResponseBytes.' },
  GATEWAY_TIMEOUT: { status: 200, answered: '200 (partial data)', description: 'A subgraph did not answer within timeoutMs (partial data).' },
  DOWNSTREAM_SERVICE_ERROR: { status: 200, answered: '200 (partial data)', description: 'A subgraph returned an error for its part of the plan.' },
  // Subscriptions (docs/subscriptions.md): the codes that end one, or refuse one on a streaming transport.
  SUBSCRIPTION_LIMIT: { status: 429, answered: '429 (503 for a connection over maxConnections; WebSocket close 4503)', description: 'A subscriptions bound is reached: connections per process, subscriptions per connection or per client.' },
  SUBSCRIPTION_SLOW_CONSUMER: { status: 200, answered: 'ends the subscription (WebSocket close 4429)', description: 'The client read its events more slowly than they came: more than subscriptions.maxQueuedEvents waited (WebSocket close 4429).' },
  SUBSCRIPTION_SCHEMA_RELOAD: { status: 200, answered: 'ends the subscription', description: 'The supergraph changed and the subscription no longer validates against it (or can no longer be planned).' },
  SUBSCRIPTION_UPSTREAM_CLOSED: { status: 200, answered: 'ends the subscription', description: 'The subgraph serving the subscription closed it, failed, or could not be reached.' },
  ORIGIN_NOT_ALLOWED: { status: 403, answered: '403 (WebSocket upgrade)', description: 'A browser page on an origin that `cors` does not allow tried to open a WebSocket (cross-site WebSocket hijacking); refused on upgrade.' },
  SHUTTING_DOWN: { status: 503, answered: '503 / ends the subscription', description: 'The gateway is stopping (SIGTERM): subscriptions end, new ones are refused.' },
  // Subgraph registry (admin API).
  COMPOSITION_FAILED: { status: 400, description: 'A publish, delete or rollback whose subgraphs do not compose (extensions.composition lists the errors); nothing changed.' },
  SUBGRAPH_URL_NOT_ALLOWED: { status: 400, description: 'A published subgraph URL matches none of registry.allowedUrls; nothing changed.' },
  SUBGRAPH_NOT_FOUND: { status: 404, description: 'No subgraph of that name is registered.' },
  VERSION_NOT_FOUND: { status: 404, description: 'No supergraph version of that number is in the registry history.' },
  REGISTRY_CONFLICT: { status: 409, description: 'Concurrent registry changes kept winning the compare-and-set; retry.' },
  CANARY_IN_PROGRESS: { status: 409, description: 'A canary release is under way: publish, delete and rollback wait until it is promoted or aborted (junction canary status).' },
  CANARY_NOT_FOUND: { status: 404, description: 'No canary release is under way (or the one named has ended).' },
  REGISTRY_UNAVAILABLE: { status: 503, description: 'The registry storage (file or Redis) cannot be read or written.' },
  INTERNAL_SERVER_ERROR: { status: 500, answered: '500 / 200 (at a path)', description: 'An unexpected failure inside the gateway (details in the log).' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;
