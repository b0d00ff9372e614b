import { parseManifest, TrustedDocuments, type ManifestOperation } from '../../../src/operations';

const manifestText = (operations: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations, ...extra });

describe('parseManifest', () => {
  it('reads the Apollo format, with the configured clientName winning over the entries', () => {
    const parsed = parseManifest(manifestText([{ id: 'a', body: '{ a }', name: 'A', type: 'query', clientName: 'web' }, { id: 'b', body: '{ b }' }]), 'm.json');
    expect(parsed).toEqual({
      ok: true,
      operations: [
        { id: 'a', body: '{ a }', name: 'A', type: 'query', clientName: 'web' },
        { id: 'b', body: '{ b }', name: undefined, type: undefined, clientName: undefined },
      ],
    });
    const scoped = parseManifest(manifestText([{ id: 'a', body: '{ a }', clientName: 'web' }]), 'm.json', 'ios');
    expect(scoped.ok && scoped.operations[0]?.clientName).toBe('ios');
  });

  it('lists every problem with where it is', () => {
    const parsed = parseManifest(manifestText([{ id: '', body: '{ a }' }, { id: 'b' }, 'x', { id: 'c', body: '{ c }', type: 'fragment' }, { id: 'd', body: '{ d }' }, { id: 'd', body: '{ e }' }], { version: 2 }), 'm.json');
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.problems).toEqual([
      'm.json: "version" must be 1',
      'm.json: operations[0]: "id" must be a string of 1 to 256 characters',
      'm.json: operations[1]: "body" must be a non-empty string',
      'm.json: operations[2]: not an object',
      'm.json: operations[3]: "type" must be query, mutation or subscription',
      'm.json: operations[5]: id "d" is listed earlier with a different body',
    ]);
  });

  it('refuses what is not a manifest', () => {
    expect(parseManifest('{', 'm.json')).toMatchObject({ ok: false, problems: [expect.stringMatching(/^m.json: not valid JSON/)] });
    expect(parseManifest('[]', 'm.json')).toEqual({ ok: false, problems: ['m.json: a manifest is a JSON object'] });
    expect(parseManifest(JSON.stringify({ format: 'x', version: 1 }), 'm.json')).toEqual({
      ok: false,
      problems: ['m.json: "format" must be "apollo-persisted-query-manifest"', 'm.json: "operations" must be an array'],
    });
  });
});

describe('TrustedDocuments', () => {
  const op = (id: string, body: string, clientName?: string): ManifestOperation => ({ id, body, name: undefined, type: 'query', clientName });

  it('finds operations by id and by body, scoped by client when asked', () => {
    const merged = TrustedDocuments.merge([[op('a', '{ a }', 'web'), op('b', '{ b }')], [op('a', '{ a }', 'ios')]]);
    if (!merged.ok) throw new Error(merged.problems.join());
    const docs = merged.documents;
    expect(docs.size).toBe(2);
    expect(docs.byIdFor('a', undefined, false)?.body).toBe('{ a }');
    expect(docs.byIdFor('a', 'web', true)?.body).toBe('{ a }');
    expect(docs.byIdFor('a', 'ios', true)?.body).toBe('{ a }');
    expect(docs.byIdFor('a', 'android', true)).toBeUndefined();
    expect(docs.byIdFor('a', undefined, true)).toBeUndefined();
    expect(docs.byIdFor('b', 'android', true)?.body).toBe('{ b }');
    expect(docs.byBodyFor('{ a }', 'android', true)).toBeUndefined();
    expect(docs.byBodyFor('{ a }', 'ios', true)?.body).toBe('{ a }');
    expect(docs.byBodyFor('{ a } ', undefined, false)).toBeUndefined();
    expect(docs.byIdFor('c', undefined, false)).toBeUndefined();
  });

  it('an entry without clientName opens the id to every client', () => {
    const merged = TrustedDocuments.merge([[op('a', '{ a }', 'web')], [op('a', '{ a }')]]);
    expect(merged.ok && merged.documents.byIdFor('a', 'android', true)?.body).toBe('{ a }');
  });

  it('refuses one id naming two bodies across manifests', () => {
    expect(TrustedDocuments.merge([[op('a', '{ a }')], [op('a', '{ b }')]])).toEqual({ ok: false, problems: ['id "a" is listed in two manifests with different bodies'] });
  });
});
