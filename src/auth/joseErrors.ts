import { errors } from 'jose';
import { AuthenticationError } from './authenticationError';

/**
 * What a failed jose verification means for the client, in words that name the problem and nothing from the
 * token. undefined: not a verdict on the token (a fetch failure, a bug), the caller decides.
 */
export function authenticationErrorFor(err: unknown): AuthenticationError | undefined {
  if (err instanceof AuthenticationError) return err;
  if (err instanceof errors.JWTExpired) return new AuthenticationError('token expired');
  if (err instanceof errors.JWTClaimValidationFailed) return new AuthenticationError(claimMessage(err.claim, err.reason));
  if (err instanceof errors.JOSEAlgNotAllowed) return new AuthenticationError('algorithm not allowed');
  if (err instanceof errors.JWSSignatureVerificationFailed) return new AuthenticationError('signature invalid');
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid) return new AuthenticationError('malformed token');
  if (err instanceof errors.JOSENotSupported) return new AuthenticationError('token uses an unsupported feature');
  return undefined;
}

function claimMessage(claim: string, reason: string): string {
  switch (claim) {
    case 'nbf':
      return 'token not yet valid';
    case 'iss':
      return 'token issuer not accepted';
    case 'aud':
      return 'token audience not accepted';
    case 'exp':
      return reason === 'missing' ? 'token has no expiry (exp)' : 'token claim "exp" invalid';
    default:
      // jose names only registered claims (iat, sub, typ…) here, never values from the token.
      return `token claim "${claim}" invalid`;
  }
}
