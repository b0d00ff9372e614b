import type { IncomingHttpHeaders } from 'node:http';

/** What every subgraph's per-request context carries, whatever loaders it adds on top. */
export interface SubgraphContext {
  /** Kept so identity can later be read from what the gateway forwards (see `viewerId`). */
  readonly headers: IncomingHttpHeaders;
}

/** The only user the sample data treats as "logged in" until real identity exists. */
export const DEMO_VIEWER_ID = '1';

/**
 * Who is making the request. Every subgraph asks this one function, so that when the
 * gateway starts forwarding a signed identity (a later issue), verifying it happens here
 * and nowhere else. Until then every request is the demo viewer, whatever headers say:
 * trusting an unsigned header would let any caller act as any user.
 */
export function viewerId(_context: SubgraphContext): string {
  return DEMO_VIEWER_ID;
}
