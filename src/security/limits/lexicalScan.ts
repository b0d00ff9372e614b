import { GraphQLError, Lexer, Source, TokenKind } from 'graphql';

export interface LexicalScan {
  /** Tokens read (stops counting just past `maxTokens`). */
  tokens: number;
  /** Deepest `{` nesting seen. */
  braceDepth: number;
  /** The lexer met invalid syntax: the parser will report it, with its usual message. */
  syntaxError: boolean;
}

/**
 * Reads an operation's tokens without parsing it. Runs before the parser so a document that would
 * exhaust the parser — too many tokens, or selection sets nested thousands deep (graphql-js's recursive
 * parser overflows the stack near 3,000 levels) — is refused in time linear in what was read.
 */
export function lexicalScan(source: string, maxTokens: number): LexicalScan {
  const lexer = new Lexer(new Source(source));
  let tokens = 0;
  let depth = 0;
  let braceDepth = 0;
  try {
    for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
      tokens++;
      if (tokens > maxTokens) break;
      if (token.kind === TokenKind.BRACE_L) {
        depth++;
        if (depth > braceDepth) braceDepth = depth;
      } else if (token.kind === TokenKind.BRACE_R) {
        depth--;
      }
    }
  } catch (err) {
    if (err instanceof GraphQLError) return { tokens, braceDepth, syntaxError: true };
    throw err;
  }
  return { tokens, braceDepth, syntaxError: false };
}
