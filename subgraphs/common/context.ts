import { existsSync, readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { dirname, join } from 'node:path';
import { jwtVerify } from 'jose';

/** What every subgraph's per-request context carries, whatever loaders it adds on top. */
export interface SubgraphContext {
  /** The request's headers: the gateway-signed identity is read from them (see `viewerId`). */
  readonly headers: IncomingHttpHeaders;
}

/** The header the gateway puts its signed identity token in (gateway.yaml identity.subgraphToken.header). */
const IDENTITY_HEADER = 'x-junction-identity';

const verified = new WeakMap<SubgraphContext, Promise<string | undefined>>();
let secret: Uint8Array | undefined;

/**
 * Who is making the request, for the one subgraph `audience`: the subject of the identity token the gateway
 * signed for this subgraph, or undefined (anonymous). Forged identity: any other header, an unsigned or
 * wrongly signed token, one for another subgraph or an expired one is anonymous — a caller reaching this
 * subgraph directly cannot claim to be anyone. Every subgraph asks this one function.
 */
export function viewerId(context: SubgraphContext, audience: string): Promise<string | undefined> {
  let result = verified.get(context);
  if (!result) {
    result = verify(context.headers[IDENTITY_HEADER], audience);
    verified.set(context, result);
  }
  return result;
}

async function verify(header: string | string[] | undefined, audience: string): Promise<string | undefined> {
  const key = identitySecret();
  if (typeof header !== 'string' || !key) return undefined;
  try {
    const { payload } = await jwtVerify(header, key, { algorithms: ['HS256'], issuer: 'junction', audience, requiredClaims: ['exp', 'sub'] });
    return typeof payload.sub === 'string' && payload.sub !== '' ? payload.sub : undefined;
  } catch {
    return undefined;
  }
}

// The secret shared with the gateway: JUNCTION_IDENTITY_SECRET, else the development secret the gateway
// generates in the package's .junction/ (read when first needed: the gateway may start after us).
function identitySecret(): Uint8Array | undefined {
  if (secret) return secret;
  const fromEnv = process.env.JUNCTION_IDENTITY_SECRET;
  const text = fromEnv ?? readDevSecret();
  if (text && text.length >= 32) secret = new TextEncoder().encode(text);
  return secret;
}

function readDevSecret(): string | undefined {
  if (process.env.NODE_ENV === 'production') return undefined;
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json'))) {
      const file = join(dir, '.junction', 'identity-secret');
      return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
    }
    dir = dirname(dir);
  }
  return undefined;
}
