/**
 * A request whose credentials are missing or not acceptable. The message says what is wrong and is safe to show
 * the client: it never contains the token or any claim value taken from it.
 */
export class AuthenticationError extends Error {
  readonly code = 'UNAUTHENTICATED';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AuthenticationError';
  }
}
