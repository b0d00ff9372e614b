import { Supergraph } from '@apollo/federation-internals';
import { operationChecker, type CheckOptions } from '../../../src/cli/checkOperation';
import { composeSubgraphs } from '../../../src/composition';
import { testConfig } from '../../helpers/gateway';

const catalog = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@listSize"])
  type Query {
    products(first: Int = 5): [Product] @listSize(slicingArguments: ["first"], requireOneSlicingArgument: false)
    product(upc: String!): Product
  }
  type Product @key(fields: "upc") {
    upc: String!
    name: String
    related: [Product] @listSize(assumedSize: 3)
  }
  type Subscription { priceChanged: Product }
`;

function supergraphSdl(): string {
  const composed = composeSubgraphs([{ name: 'catalog', url: 'http://catalog/graphql', sdl: catalog }]);
  if (!composed.ok) throw new Error(composed.errors.map((e) => e.message).join('\n'));
  return composed.supergraphSdl;
}

const SDL = supergraphSdl();

function checker(yaml?: string) {
  const { limits, cost } = testConfig(yaml);
  const options: CheckOptions = { limits, cost };
  return operationChecker(SDL, options);
}

describe('operationChecker', () => {
  it('passes an operation the gateway would run, with its plan, limits and cost', () => {
    const result = checker().check('query Top { products { name } }', undefined);
    expect(result.problems).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.plan).toMatchObject({ ok: true });
    expect(result.plan.ok && result.plan.text).toContain('Fetch(service: "catalog")');
    expect(result.limits.find((s) => s.limit === 'maxDepth')).toMatchObject({ value: 2, status: 'ok' });
    expect(result.cost?.cost).toBe(5);
  });

  it('builds the supergraph once for every operation it checks', () => {
    const build = jest.spyOn(Supergraph, 'build');
    try {
      const check = checker();
      for (const body of ['{ products { name } }', '{ product(upc: "1") { name } }', '{ products(first: 2) { related { upc } } }']) {
        expect(check.check(body, undefined).problems).toEqual([]);
      }
      expect(build).toHaveBeenCalledTimes(1);
    } finally {
      build.mockRestore();
    }
  });

  it('reports a syntax error with GRAPHQL_PARSE_FAILED and no plan', () => {
    const result = checker().check('{ products { name }', undefined);
    expect(result.problems).toEqual([{ code: 'GRAPHQL_PARSE_FAILED', message: 'Syntax Error: Expected Name, found <EOF>.' }]);
    expect(result.plan).toMatchObject({ ok: false, code: 'GRAPHQL_PARSE_FAILED' });
    expect(result.limits).toEqual([]);
  });

  it('lists the enforced limits an invalid operation is over before its validation errors', () => {
    const result = checker('limits:\n  maxDepth: 2\n').check('{ products { related { price } } }', undefined);
    expect(result.problems).toEqual([
      { code: 'MAX_DEPTH_LIMIT', message: "The operation's depth (3) exceeds the maximum of 2." },
      { code: 'GRAPHQL_VALIDATION_FAILED', message: expect.stringContaining('Cannot query field "price" on type "Product".') },
    ]);
    expect(result.cost).toBeUndefined();
  });

  it.each([
    ['a limit', 'limits:\n  maxAliases: { max: 1, mode: measure }\n', '{ a: products { name } b: products { upc } }', 'MAX_ALIASES_LIMIT', "The operation's aliases (2) exceeds the maximum of 1."],
    ['the cost', 'cost:\n  max: 10\n  mode: measure\n', '{ products(first: 50) { name } }', 'COST_ESTIMATED_TOO_EXPENSIVE', "The operation's estimated cost (50) exceeds the maximum of 10."],
  ])('reports %s over its maximum in measure mode as a warning, not a problem', (_what, yaml, body, code, message) => {
    const result = checker(yaml).check(body, undefined);
    expect(result.problems).toEqual([]);
    expect(result.warnings).toEqual([{ code, message }]);
  });

  it('refuses an estimated cost over cost.max with the value and the maximum, from the variables given', () => {
    const check = checker('cost:\n  max: 100\n');
    const body = 'query Top($n: Int) { products(first: $n) { related { name } } }';
    expect(check.check(body, undefined).problems).toEqual([]);
    expect(check.check(body, undefined).cost?.cost).toBe(20);
    expect(check.check(body, undefined, { n: 50 }).problems).toEqual([
      { code: 'COST_ESTIMATED_TOO_EXPENSIVE', message: "The operation's estimated cost (200) exceeds the maximum of 100." },
    ]);
  });

  it('checks the named operation of a document holding several, and refuses an unknown or missing name', () => {
    const check = checker('limits:\n  maxDepth: 2\n');
    const body = 'query Shallow { products { name } } query Deep { products { related { name } } }';
    expect(check.check(body, 'Shallow').problems).toEqual([]);
    expect(check.check(body, 'Deep').problems).toEqual([{ code: 'MAX_DEPTH_LIMIT', message: "The operation's depth (3) exceeds the maximum of 2." }]);
    expect(check.check(body, undefined).problems).toEqual([
      { code: 'OPERATION_RESOLUTION_FAILURE', message: 'Must provide operation name if query contains multiple operations.' },
    ]);
    expect(check.check(body, 'Other').problems).toEqual([{ code: 'OPERATION_RESOLUTION_FAILURE', message: 'Unknown operation named "Other".' }]);
  });

  it('prices and plans a subscription as the gateway does (each event may cost the estimate)', () => {
    const result = checker().check('subscription S { priceChanged { name } }', undefined);
    expect(result.problems).toEqual([]);
    expect(result.plan.ok).toBe(true);
    expect(result.cost?.cost).toBeGreaterThan(0);
  });

  it('refuses an operation nested beyond the parser ceiling without parsing it', () => {
    const result = checker().check(`{ ${'products { '.repeat(1200)}name${' }'.repeat(1200)} }`, undefined);
    expect(result.problems).toEqual([{ code: 'MAX_DEPTH_LIMIT', message: 'The operation is nested deeper than 1000 levels.' }]);
    expect(result.plan).toMatchObject({ ok: false, code: 'MAX_DEPTH_LIMIT' });
  });
});
