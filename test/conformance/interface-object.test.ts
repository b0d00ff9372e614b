import { entityFetches, link, rootFetches, startFederation, type Federation } from './federation';

// content owns the Media interface (an entity interface: `@key` on the interface) and its implementations;
// ratings adds a field to every Media as an @interfaceObject; feed knows Media only as an @interfaceObject
// reached through a key it cannot resolve (`resolvable: false`): it hands out ids, nothing else; picks knows one
// implementation, Book, through a non-resolvable key.
const MEDIA = [
  { __typename: 'Book', id: 'm1', title: 'Dune', pages: 412 },
  { __typename: 'Movie', id: 'm2', title: 'Alien', minutes: 117 },
  { __typename: 'Book', id: 'm3', title: 'Emma', pages: 474 },
];
const RATINGS: Record<string, number> = { m1: 5, m2: 4, m3: 3 };

let fed: Federation;

beforeAll(async () => {
  fed = await startFederation({
    content: {
      sdl: `${link(['@key'], '2.3')}
        type Query { library: [Media!]! }
        interface Media @key(fields: "id") { id: ID! title: String! }
        type Book implements Media @key(fields: "id") { id: ID! title: String! pages: Int! }
        type Movie implements Media @key(fields: "id") { id: ID! title: String! minutes: Int! }`,
      resolvers: {
        Query: { library: () => MEDIA },
        Media: {
          // An entity interface resolves a representation of the interface to the concrete object.
          __resolveReference: (ref: { id: string }) => MEDIA.find((m) => m.id === ref.id) ?? null,
          __resolveType: (m: { __typename: string }) => m.__typename,
        },
        Book: { __resolveReference: (ref: { id: string }) => MEDIA.find((m) => m.id === ref.id) ?? null },
        Movie: { __resolveReference: (ref: { id: string }) => MEDIA.find((m) => m.id === ref.id) ?? null },
      },
    },
    ratings: {
      sdl: `${link(['@key', '@interfaceObject'], '2.3')}
        type Media @key(fields: "id") @interfaceObject { id: ID! rating: Int! }`,
      resolvers: {
        Media: {
          __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
          rating: (m: { id: string }) => RATINGS[m.id],
        },
      },
    },
    feed: {
      sdl: `${link(['@key', '@interfaceObject'], '2.3')}
        type Query { trending: [Media!]! }
        type Media @key(fields: "id", resolvable: false) @interfaceObject { id: ID! }`,
      resolvers: { Query: { trending: () => [{ id: 'm2' }, { id: 'm3' }] } },
    },
    picks: {
      sdl: `${link(['@key'], '2.3')}
        type Query { pick: Book! }
        type Book @key(fields: "id", resolvable: false) { id: ID! }`,
      resolvers: { Query: { pick: () => ({ id: 'm1' }) } },
    },
  });
});

afterAll(() => fed?.stop());
beforeEach(() => fed.clearRequests());

test('the key of an @interfaceObject reached through a non-resolvable key comes from that subgraph alone', async () => {
  const res = await fed.gateway.post('{ trending { id } }');
  expect(res.body).toEqual({ data: { trending: [{ id: 'm2' }, { id: 'm3' }] } });
  expect(fed.subgraph('content').requests).toHaveLength(0);
  expect(fed.subgraph('ratings').requests).toHaveLength(0);
});

test('a field of another @interfaceObject subgraph, through the key', async () => {
  const res = await fed.gateway.post('{ trending { id rating } }');
  expect(res.body).toEqual({ data: { trending: [{ id: 'm2', rating: 4 }, { id: 'm3', rating: 3 }] } });
});

test('an interface field comes from the subgraph owning the interface', async () => {
  const res = await fed.gateway.post('{ trending { title } }');
  expect(res.body).toEqual({ data: { trending: [{ title: 'Alien' }, { title: 'Emma' }] } });
});

test('__typename is the concrete type, which only the subgraph owning the interface knows', async () => {
  const res = await fed.gateway.post('{ trending { __typename id } }');
  expect(res.body).toEqual({ data: { trending: [{ __typename: 'Movie', id: 'm2' }, { __typename: 'Book', id: 'm3' }] } });
});

test('fragments on the implementations, with a field of the other @interfaceObject subgraph', async () => {
  const res = await fed.gateway.post('{ trending { id ... on Book { pages } ... on Movie { minutes } rating } }');
  expect(res.body).toEqual({ data: { trending: [{ id: 'm2', minutes: 117, rating: 4 }, { id: 'm3', pages: 474, rating: 3 }] } });
});

test('from the owner of the interface to an @interfaceObject field', async () => {
  const res = await fed.gateway.post('{ library { __typename title rating } }');
  expect(res.body).toEqual({
    data: {
      library: [
        { __typename: 'Book', title: 'Dune', rating: 5 },
        { __typename: 'Movie', title: 'Alien', rating: 4 },
        { __typename: 'Book', title: 'Emma', rating: 3 },
      ],
    },
  });
  expect(rootFetches(fed.subgraph('content'))).toHaveLength(1);
  expect(entityFetches(fed.subgraph('ratings'))).toHaveLength(1);
});

test('an implementation reached through a non-resolvable key gets @interfaceObject fields, sent as the interface', async () => {
  const res = await fed.gateway.post('{ pick { id rating } }');
  expect(res.body).toEqual({ data: { pick: { id: 'm1', rating: 5 } } });
  // ratings knows no Book: the representation names the interface it declares as an @interfaceObject.
  expect(entityFetches(fed.subgraph('ratings'))).toEqual([[{ __typename: 'Media', id: 'm1' }]]);
});

test('an implementation reached through a non-resolvable key, with fields of the owner and of the @interfaceObject', async () => {
  const res = await fed.gateway.post('{ pick { __typename title rating pages } }');
  expect(res.body).toEqual({ data: { pick: { __typename: 'Book', title: 'Dune', rating: 5, pages: 412 } } });
  expect(entityFetches(fed.subgraph('content'))).toEqual([[{ __typename: 'Book', id: 'm1' }]]);
});
