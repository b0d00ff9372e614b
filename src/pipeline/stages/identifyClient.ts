import type { Variant } from '../../canary/assignment';
import type { ClientFacts } from '../../traffic';
import type { Stage } from '../operationRequest';

/**
 * Who the client is, once its token is verified: one key (`rateLimit.clientKey` rules — token subject, an
 * API-key header, else the address) that every per-client policy reads from the context: rate-limit budgets,
 * subscription bounds, sticky progressive override, and which supergraph serves it while a canary release runs.
 */
export function identifyClientStage(clientKeyOf: (facts: ClientFacts) => string, variantOf: (clientKey: string) => Variant): Stage {
  return (request, context) => {
    const clientKey = clientKeyOf({ principal: context.principal, header: (name) => request.headers.get(name) ?? undefined, remoteAddress: request.remoteAddress });
    context.clientKey = clientKey;
    context.variant = variantOf(clientKey);
    return undefined;
  };
}
