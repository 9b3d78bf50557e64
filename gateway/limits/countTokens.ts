import { Lexer, Source, TokenKind } from 'graphql';

/**
 * The lexical tokens of a GraphQL document, counted as graphql-js's `parse(..., { maxTokens })`
 * counts them (comments excluded). Linear in the text. A text that does not lex is counted up to
 * the first bad character: such a document fails to parse anyway.
 */
export function countTokens(text: string): number {
  const lexer = new Lexer(new Source(text));
  let count = 0;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) count++;
  } catch {
    // The parse error is Apollo Server's to report.
  }
  return count;
}
