import { entityFetches, link, startFederation, type Federation } from './federation';

// catalog owns the Media interface entity (Book, Movie) and the SearchResult union; films adds fields to
// Movie only; ratings extends every Media through @interfaceObject without knowing the implementations.
const MEDIA = [
  { __typename: 'Book', id: 'b1', title: 'Dune', pages: 412 },
  { __typename: 'Movie', id: 'm1', title: 'Alien' },
  { __typename: 'Movie', id: 'm2', title: 'Heat' },
];
const FILMS: Record<string, { director: string; runtime: number }> = {
  m1: { director: 'Scott', runtime: 117 },
  m2: { director: 'Mann', runtime: 170 },
};
const RATINGS: Record<string, number> = { b1: 4.5, m1: 4.8, m2: 4.2 };

let fed: Federation;

beforeAll(async () => {
  fed = await startFederation({
    catalog: {
      sdl: `${link(['@key'])}
        type Query { media: [Media!]! search(term: String!): [SearchResult!]! }
        interface Media @key(fields: "id") { id: ID! title: String! }
        type Book implements Media @key(fields: "id") { id: ID! title: String! pages: Int! }
        type Movie implements Media @key(fields: "id") { id: ID! title: String! }
        union SearchResult = Book | Movie`,
      resolvers: {
        Query: {
          media: () => MEDIA,
          search: (_: unknown, { term }: { term: string }) => MEDIA.filter((m) => m.title.toLowerCase().includes(term.toLowerCase())),
        },
        Media: { __resolveReference: (ref: { id: string }) => MEDIA.find((m) => m.id === ref.id) ?? null },
        Book: { __resolveReference: (ref: { id: string }) => MEDIA.find((m) => m.id === ref.id) ?? null },
        Movie: { __resolveReference: (ref: { id: string }) => MEDIA.find((m) => m.id === ref.id) ?? null },
      },
    },
    films: {
      sdl: `${link(['@key'])}
        type Movie @key(fields: "id") { id: ID! director: String! runtime: Int! }`,
      resolvers: { Movie: { __resolveReference: (ref: { id: string }) => ({ id: ref.id, ...FILMS[ref.id] }) } },
    },
    ratings: {
      sdl: `${link(['@key', '@interfaceObject'])}
        type Query { topRated(first: Int!): [Media!]! }
        type Media @key(fields: "id") @interfaceObject { id: ID! rating: Float! }`,
      resolvers: {
        Query: {
          topRated: (_: unknown, { first }: { first: number }) =>
            Object.entries(RATINGS)
              .sort((a, b) => b[1] - a[1])
              .slice(0, first)
              .map(([id, rating]) => ({ id, rating })),
        },
        Media: { __resolveReference: (ref: { id: string }) => ({ id: ref.id, rating: RATINGS[ref.id] }) },
      },
    },
  });
});

afterAll(() => fed?.stop());
beforeEach(() => fed.clearRequests());

test('resolves an interface list whose implementations get fields from another subgraph, fetching only the matching items', async () => {
  const res = await fed.gateway.post('{ media { __typename id title ... on Book { pages } ... on Movie { director runtime } } }');
  expect(res.status).toBe(200);
  expect(res.body).toEqual({
    data: {
      media: [
        { __typename: 'Book', id: 'b1', title: 'Dune', pages: 412 },
        { __typename: 'Movie', id: 'm1', title: 'Alien', director: 'Scott', runtime: 117 },
        { __typename: 'Movie', id: 'm2', title: 'Heat', director: 'Mann', runtime: 170 },
      ],
    },
  });
  expect(entityFetches(fed.subgraph('films'))).toEqual([
    [
      { __typename: 'Movie', id: 'm1' },
      { __typename: 'Movie', id: 'm2' },
    ],
  ]);
});

test('resolves a union with an argument, type conditions on members and on an interface they implement', async () => {
  const res = await fed.gateway.post(
    'query Find($term: String!) { search(term: $term) { __typename ... on Media { title } ... on Movie { director } ... on Book { pages } } }',
    { term: 'e' },
  );
  expect(res.body).toEqual({
    data: {
      search: [
        { __typename: 'Book', title: 'Dune', pages: 412 },
        { __typename: 'Movie', title: 'Alien', director: 'Scott' },
        { __typename: 'Movie', title: 'Heat', director: 'Mann' },
      ],
    },
  });
  expect(entityFetches(fed.subgraph('films'))).toHaveLength(1);
});

test('resolves a named fragment on an interface inside a union selection', async () => {
  const res = await fed.gateway.post('query { search(term: "alien") { ...M } } fragment M on Media { __typename id ... on Movie { runtime } }');
  expect(res.body).toEqual({ data: { search: [{ __typename: 'Movie', id: 'm1', runtime: 117 }] } });
});

test('@interfaceObject: a field added to an interface by another subgraph resolves for every implementation', async () => {
  const res = await fed.gateway.post('{ media { __typename title rating } }');
  expect(res.body).toEqual({
    data: {
      media: [
        { __typename: 'Book', title: 'Dune', rating: 4.5 },
        { __typename: 'Movie', title: 'Alien', rating: 4.8 },
        { __typename: 'Movie', title: 'Heat', rating: 4.2 },
      ],
    },
  });
  // ratings only knows the interface: it receives the representations typed as Media, in one fetch.
  expect(entityFetches(fed.subgraph('ratings'))).toEqual([
    [
      { __typename: 'Media', id: 'b1' },
      { __typename: 'Media', id: 'm1' },
      { __typename: 'Media', id: 'm2' },
    ],
  ]);
});

test('@interfaceObject: entities returned by the interface-object subgraph get their concrete type and fields from the owner', async () => {
  const res = await fed.gateway.post('{ topRated(first: 2) { __typename id rating title ... on Movie { director } ... on Book { pages } } }');
  expect(res.body).toEqual({
    data: {
      topRated: [
        { __typename: 'Movie', id: 'm1', rating: 4.8, title: 'Alien', director: 'Scott' },
        { __typename: 'Book', id: 'b1', rating: 4.5, title: 'Dune', pages: 412 },
      ],
    },
  });
  expect(entityFetches(fed.subgraph('catalog'))).toEqual([
    [
      { __typename: 'Media', id: 'm1' },
      { __typename: 'Media', id: 'b1' },
    ],
  ]);
  expect(entityFetches(fed.subgraph('films'))).toEqual([[{ __typename: 'Movie', id: 'm1' }]]);
});

test('@interfaceObject: asking only for fields the interface-object subgraph has makes no other fetch', async () => {
  const res = await fed.gateway.post('{ topRated(first: 3) { id rating } }');
  expect(res.body).toEqual({
    data: { topRated: [{ id: 'm1', rating: 4.8 }, { id: 'b1', rating: 4.5 }, { id: 'm2', rating: 4.2 }] },
  });
  expect(fed.subgraph('ratings').requests).toHaveLength(1);
  expect(fed.subgraph('catalog').requests).toHaveLength(0);
});
