import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { composeSubgraphs } from '../../../src/composition';
import { SUBGRAPH_NAMES, type RunningFleet, type SubgraphName } from '../../../subgraphs';
import { identityHeader } from '../../helpers/identity';

/** The demo subscription: an event from reviews, the product's name (products) and stock (inventory), the author (accounts). */
export const REVIEW_ADDED = `subscription Added($upc: ID) { reviewAdded(productUpc: $upc) { id body product { upc name inStock } author { id name } } }`;

/** The sample supergraph over a running fleet; `sdlOf` may change a subgraph's schema (supergraph changes). */
export function sampleSupergraph(fleet: RunningFleet, sdlOf: (name: SubgraphName, sdl: string) => string = (_n, sdl) => sdl): string {
  const composed = composeSubgraphs(
    SUBGRAPH_NAMES.map((name) => ({ name, url: fleet.byName[name].url, sdl: sdlOf(name, readFileSync(join(__dirname, '../../../subgraphs', name, 'schema.graphql'), 'utf8')) })),
  );
  if (!composed.ok) throw new Error(JSON.stringify(composed.errors));
  return composed.supergraphSdl;
}

/** Posts a review straight to the reviews subgraph (as user 3): every reviewAdded subscriber gets an event. */
export async function postReview(fleet: RunningFleet, upc: string, body: string): Promise<void> {
  const res = await fetch(fleet.byName.reviews.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(await identityHeader('3', 'reviews')) },
    body: JSON.stringify({ query: 'mutation ($i: CreateReviewInput!) { createReview(input: $i) { id } }', variables: { i: { productUpc: upc, body } } }),
  });
  const json = (await res.json()) as { errors?: unknown };
  if (json.errors) throw new Error(JSON.stringify(json.errors));
}

/** Subscribers the reviews subgraph holds in this process (one per upstream subscription). */
export function reviewSubscribers(fleet: RunningFleet): number {
  return fleet.byName.reviews.dataLayer.feed.localSubscribers;
}

/** HS256 client tokens for `auth` (AUTH_YAML). */
export const AUTH_SECRET = 'subscriptions-test-secret-0123456789abcdef';
export const AUTH_YAML = `auth:\n  devKey: false\n  algorithms: [HS256]\n  secrets:\n    - secret: "${AUTH_SECRET}"\n`;
export function clientToken(claims: Record<string, unknown>, expiresInSec = 300): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime(Math.floor(Date.now() / 1000) + expiresInSec)
    .sign(new TextEncoder().encode(AUTH_SECRET));
}
