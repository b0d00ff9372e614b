import { acceptsIncrementalDelivery, streamingTransportOf } from '../../../src/server/streamingResponse';

describe('the streaming transport an Accept header asks for', () => {
  it.each([
    ['text/event-stream', 'sse'],
    ['text/event-stream; charset=utf-8', 'sse'],
    ['application/json, text/event-stream', 'sse'],
    // What Apollo Client and Router's docs send, quoted or not, with or without a boundary.
    ['multipart/mixed;subscriptionSpec="1.0", application/json', 'multipart'],
    ['multipart/mixed;boundary="graphql";subscriptionSpec=1.0,application/json', 'multipart'],
    ['Multipart/Mixed; SubscriptionSpec="1.0"', 'multipart'],
  ])('%s → %s', (accept, transport) => {
    expect(streamingTransportOf(accept)).toBe(transport);
  });

  it.each([
    [undefined],
    ['application/json'],
    ['*/*'],
    // @defer's incremental delivery stays with the HTTP transport (its `incremental` fact, below).
    ['multipart/mixed;deferSpec=20220824, application/json'],
    ['multipart/mixed;subscriptionSpec="2.0"'],
  ])('%s → plain HTTP', (accept) => {
    expect(streamingTransportOf(accept)).toBeUndefined();
  });
});

describe('whether an Accept header takes @defer parts (deferSpec=20220824)', () => {
  it.each([
    // Apollo Client 3, Apollo Kotlin, and spacing / quoting / case variants.
    ['multipart/mixed;deferSpec=20220824,application/json', true],
    ['multipart/mixed; deferSpec=20220824, application/graphql-response+json, application/json', true],
    ['application/json, Multipart/Mixed;DeferSpec="20220824"', true],
    ['multipart/mixed;deferSpec=20220824;q=0.5', true],
    [undefined, false],
    ['application/json', false],
    ['multipart/mixed', false],
    ['multipart/mixed;deferSpec=20230101', false],
    ['multipart/mixed;subscriptionSpec="1.0", application/json', false],
    ['multipart/mixed;deferSpec=20220824;q=0, application/json', false],
    ['application/json;deferSpec=20220824', false],
  ])('%s → %s', (accept, expected) => {
    expect(acceptsIncrementalDelivery(accept)).toBe(expected);
  });
});
