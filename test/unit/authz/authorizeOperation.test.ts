import { print } from 'graphql';
import { anonymous, authorize, shop, signedIn } from './fixtures';

const fixture = shop();
const run = (query: string, caller = anonymous, operationName?: string) => authorize(fixture, query, caller, operationName);

describe('authorizeOperation: @requiresScopes', () => {
  const query = '{ publicInfo secret }';

  it('removes the field for an anonymous caller', () => {
    const r = run(query);
    expect(print(r.document)).toBe('{\n  publicInfo\n}');
    expect(r.paths).toEqual(['secret']);
    expect(r.empty).toBe(false);
  });

  it('removes it for a signed-in caller with only half of an AND group', () => {
    const r = run(query, signedIn(['read:secret']));
    expect(print(r.document)).toBe('{\n  publicInfo\n}');
    expect(r.paths).toEqual(['secret']);
  });

  it.each([[['read:secret', 'read:all']], [['admin']], [['other', 'admin']]])('keeps it for scopes %j', (scopes) => {
    const r = run(query, signedIn(scopes));
    expect(r.document).toBe(r.input);
    expect(r.unauthorized).toEqual([]);
    expect(r.empty).toBe(false);
  });

  it('reports aliases, not field names, and keeps sibling aliases', () => {
    const r = run('{ hidden: secret shown: publicInfo user(id: "1") { mail: email name } }', signedIn());
    expect(print(r.document)).toBe('{\n  shown: publicInfo\n  user(id: "1") {\n    name\n  }\n}');
    expect(r.paths).toEqual(['hidden', 'user.mail']);
  });
});

describe('authorizeOperation: @authenticated', () => {
  it('on a field: removed for anonymous, kept when signed in', () => {
    const q = '{ me { name } publicInfo }';
    const anon = run(q);
    expect(print(anon.document)).toBe('{\n  publicInfo\n}');
    expect(anon.paths).toEqual(['me']);
    const signed = run(q, signedIn());
    expect(signed.document).toBe(signed.input);
  });

  it('on a type: every field returning it is removed for anonymous', () => {
    const r = run('{ ledger { total } publicInfo }');
    expect(print(r.document)).toBe('{\n  publicInfo\n}');
    expect(r.paths).toEqual(['ledger']);
    expect(run('{ ledger { total } }', signedIn()).unauthorized).toEqual([]);
  });
});

describe('authorizeOperation: @policy', () => {
  const q = '{ posts { id draft } }';

  it.each([
    ['no policy allowed', {}],
    ['editor denied', { editor: false }],
    ['only half of an AND group', { owner: true, verified: false }],
  ])('removes the field: %s', (_, policies) => {
    const r = run(q, signedIn([], policies));
    expect(print(r.document)).toBe('{\n  posts {\n    id\n  }\n}');
    expect(r.paths).toEqual(['posts.draft']);
  });

  it.each([
    ['editor', { editor: true }],
    ['owner and verified', { owner: true, verified: true }],
  ])('keeps the field: %s', (_, policies) => {
    const r = run(q, signedIn([], policies));
    expect(r.document).toBe(r.input);
    expect(r.unauthorized).toEqual([]);
  });
});

describe('authorizeOperation: fragments', () => {
  it('filters each use of a named fragment, nested in another, inlining them and dropping variables left unused', () => {
    const q = `
      query Q($id: ID!, $term: String!) {
        user(id: $id) { ...UserParts }
        me { ...UserParts }
        secret
        search(term: $term) { ... on User { id } }
      }
      fragment UserParts on User { name ...Contact }
      fragment Contact on User { email }
    `;
    const r = run(q, signedIn(['read:email']), 'Q');
    expect(r.unauthorized).toEqual([{ path: ['secret'] }]);
    expect(print(r.document)).toBe(
      [
        'query Q($id: ID!, $term: String!) {',
        '  user(id: $id) {',
        '    ... on User {',
        '      name',
        '      ... on User {',
        '        email',
        '      }',
        '    }',
        '  }',
        '  me {',
        '    ... on User {',
        '      name',
        '      ... on User {',
        '        email',
        '      }',
        '    }',
        '  }',
        '  search(term: $term) {',
        '    ... on User {',
        '      id',
        '    }',
        '  }',
        '}',
      ].join('\n'),
    );
  });

  it('reports paths through fragments and removes a field whose selection became empty', () => {
    const q = `
      query Q($id: ID!) { user(id: $id) { ...C } publicInfo me { ...C } }
      fragment C on User { ... on User { mail: email } }
    `;
    const r = run(q, signedIn(), 'Q');
    expect(print(r.document)).toBe('query Q {\n  publicInfo\n}');
    expect(r.paths).toEqual(['user.mail', 'me.mail']);
  });

  it('removes an inline fragment on a restricted union member and reports its fields', () => {
    const q = '{ search(term: "x") { __typename ... on Vault { id secretStuff: contents } ... on User { name } } }';
    const r = run(q, signedIn());
    expect(print(r.document)).toBe('{\n  search(term: "x") {\n    __typename\n    ... on User {\n      name\n    }\n  }\n}');
    expect(r.paths).toEqual(['search.id', 'search.secretStuff']);
    expect(run(q, signedIn(['vault'])).unauthorized).toEqual([]);
  });

  it('removes a named fragment spread whose type condition is restricted', () => {
    const q = '{ search(term: "x") { ...V __typename } } fragment V on Vault { contents }';
    const r = run(q);
    expect(print(r.document)).toBe('{\n  search(term: "x") {\n    __typename\n  }\n}');
    expect(r.paths).toEqual(['search.contents']);
  });
});

describe('authorizeOperation: interfaces', () => {
  it('an interface field is as strict as its strictest implementation', () => {
    const q = '{ node(id: "1") { id summary } }';
    const r = run(q);
    expect(print(r.document)).toBe('{\n  node(id: "1") {\n    id\n  }\n}');
    expect(r.paths).toEqual(['node.summary']);
    expect(run(q, signedIn()).unauthorized).toEqual([]);
  });

  it('the unrestricted implementation stays readable through a type condition', () => {
    const r = run('{ node(id: "1") { ... on User { summary } ... on Invoice { s: summary } } }');
    expect(print(r.document)).toBe('{\n  node(id: "1") {\n    ... on User {\n      summary\n    }\n  }\n}');
    expect(r.paths).toEqual(['node.s']);
  });
});

describe('authorizeOperation: whole operation', () => {
  it('is empty when every root field is removed', () => {
    const r = run('query Q($t: String!) { secret me { id } search(term: $t) { ... on Vault { id } } }');
    expect(r.empty).toBe(true);
    expect(r.paths).toEqual(['secret', 'me', 'search.id']);
    // Not executable (an empty selection set): the caller answers with the errors alone, planning nothing.
    expect(r.document.definitions).toHaveLength(1);
    expect(r.document.definitions[0]).toMatchObject({ name: { value: 'Q' }, variableDefinitions: [], selectionSet: { selections: [] } });
  });

  it('returns the input document itself when nothing is removed, fragments and other operations included', () => {
    const q = 'query A { user(id: "1") { ...F } } query B { secret } fragment F on User { name }';
    const r = run(q, anonymous, 'A');
    expect(r.document).toBe(r.input);
    expect(r).toMatchObject({ unauthorized: [], empty: false });
  });

  it('filters the named operation only and drops the others', () => {
    const r = run('query A { publicInfo } query B { publicInfo secret }', anonymous, 'B');
    expect(print(r.document)).toBe('query B {\n  publicInfo\n}');
    expect(r.paths).toEqual(['secret']);
  });
});
