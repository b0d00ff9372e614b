/** What a GraphQL client sees: the HTTP status plus the parsed JSON body. */
export interface GraphQLResponse<TData> {
  readonly status: number;
  readonly data?: TData | null;
  readonly errors?: ReadonlyArray<{ message: string; extensions?: { code?: string; [key: string]: unknown } }>;
}

export async function postGraphQL<TData>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<TData>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as Omit<GraphQLResponse<TData>, 'status'>;
  return { status: res.status, ...body };
}

/** Sends one `_entities` request, as the gateway does when it fans out entity lookups. */
export async function fetchEntities<TEntity>(
  url: string,
  representations: ReadonlyArray<Record<string, unknown>>,
  selection: string,
): Promise<GraphQLResponse<{ _entities: Array<TEntity | null> }>> {
  return postGraphQL(url, `query ($r: [_Any!]!) { _entities(representations: $r) { ${selection} } }`, {
    r: representations,
  });
}

/** Ids "1".."n", as the sample data uses. */
export function ids(n: number): string[] {
  return Array.from({ length: n }, (_, i) => String(i + 1));
}

/** The subgraph's `_service { sdl }`, with whitespace collapsed so assertions read like SDL. */
export async function fetchSdl(url: string): Promise<string> {
  const res = await postGraphQL<{ _service: { sdl: string } }>(url, '{ _service { sdl } }');
  return (res.data?._service.sdl ?? '').replace(/\s+/g, ' ');
}
