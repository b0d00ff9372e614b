import { createHash } from 'node:crypto';

/** Which supergraph a client is served: the stable one, or the canary being released. */
export type Variant = 'stable' | 'canary';

/**
 * A client's point in [0, 100): the first 32 bits of sha256(salt, client key), scaled. The same client key
 * gives the same point on every replica and every request, so a share of N % is the clients whose point is
 * below N — sticky, and growing a share (5 → 25 %) keeps every client already in it. Salting with the canary's
 * id gives each release its own draw of clients, so the same few do not carry every canary.
 */
export function clientPoint(salt: string, clientKey: string): number {
  const digest = createHash('sha256').update(salt).update('\u0000').update(clientKey).digest();
  return (digest.readUInt32BE(0) / 0x1_0000_0000) * 100;
}
