export type { Principal, AuthenticationOptions, HeaderReader, Authenticator } from './types';
export { AuthenticationError } from './authenticationError';
export { createAuthenticator } from './authenticator';
export { loadOrCreateDevKey, signDevToken, type DevKey } from './devKey';
export { createIdentitySigner, loadOrCreateIdentitySecret, type IdentitySigner } from './subgraphIdentity';
