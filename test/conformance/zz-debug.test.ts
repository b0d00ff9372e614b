import { link, startFederation } from './federation';
test('debug', async () => {
  const fed = await startFederation({
    products: {
      sdl: `${link(['@key', '@shareable'])}
        type Query { products: [Product!]! }
        type Product @key(fields: "id") { id: ID! weight(unit: Unit!): Float! }
        enum Unit { KG G }`,
      resolvers: { Query: { products: () => [{ id: 'p1', grams: 20000 }] }, Product: { weight: (p: any, { unit }: any) => (unit === 'KG' ? p.grams / 1000 : p.grams) } },
    },
    shipping: {
      sdl: `${link(['@key', '@external', '@requires'])}
        type Product @key(fields: "id") { id: ID! weight(unit: Unit!): Float! @external shippingCost: Int! @requires(fields: "weight(unit: KG)") }
        enum Unit { KG G }`,
      resolvers: { Product: { __resolveReference: (r: any) => r, shippingCost: (p: any) => Math.ceil(p.weight) * 5 } },
    },
  });
  const res = await fed.gateway.post('{ products { weight(unit: G) shippingCost } }', undefined, { 'Apollo-Query-Plan-Experimental': '1' });
  console.log(JSON.stringify(res.body, null, 1));
  for (const s of Object.values(fed.subgraphs)) console.log(s.name, JSON.stringify(s.requests, null, 1));
  await fed.stop();
});
