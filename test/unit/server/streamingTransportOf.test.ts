import { streamingTransportOf } from '../../../src/server/streamingResponse';

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
    // @defer's incremental delivery stays with the HTTP transport (Apollo Server answers it).
    ['multipart/mixed;deferSpec=20220824, application/json'],
    ['multipart/mixed;subscriptionSpec="2.0"'],
  ])('%s → plain HTTP', (accept) => {
    expect(streamingTransportOf(accept)).toBeUndefined();
  });
});
